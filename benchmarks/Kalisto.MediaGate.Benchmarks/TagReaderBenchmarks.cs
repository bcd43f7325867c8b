using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Benchmarks;

/// <summary>
/// Files per second of the tag reader over a folder of real camera files, one format at a time.
/// Set <c>MEDIAGATE_BENCH_DIR</c> to a folder of <c>jpg_*</c>, <c>heic_*</c> and <c>mp4_*</c> files
/// (the compatibility corpus's <c>voorbeeld/formats</c>); see the README for the exiftool comparison.
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0)]
[MemoryDiagnoser]
public class TagReaderBenchmarks
{
    private readonly TagReader _reader = new();
    private string[] _files = [];

    [Params("jpg", "heic", "mp4")]
    public string Format { get; set; } = "jpg";

    [GlobalSetup]
    public void Setup()
    {
        var dir = Environment.GetEnvironmentVariable("MEDIAGATE_BENCH_DIR")
            ?? throw new InvalidOperationException("Set MEDIAGATE_BENCH_DIR to a folder of jpg_*, heic_* and mp4_* files.");
        _files = Directory.GetFiles(dir, Format + "_*");
        long bytesRead = 0, bytesTotal = 0;
        foreach (var file in _files)
        {
            using var stream = Open(file);
            bytesRead += _reader.Read(stream, file).BytesRead;
            bytesTotal += stream.Length;
        }

        Console.WriteLine($"// {Format}: {_files.Length} files, {bytesTotal / _files.Length} bytes per file, {bytesRead / _files.Length} bytes read per file");
    }

    /// <summary>One operation reads every file of the format once: files/s = file count / mean.</summary>
    [Benchmark]
    public int ReadAllFiles()
    {
        var tags = 0;
        foreach (var file in _files)
        {
            using var stream = Open(file);
            var result = _reader.Read(stream, file);
            tags += result.Persons.Count + result.Keywords.Count;
        }

        return tags;
    }

    private static FileStream Open(string file) =>
        new(file, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024, FileOptions.RandomAccess);
}
