using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Imaging.Publishing;
using Kalisto.MediaGate.Imaging.Stripping;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Benchmarks;

/// <summary>
/// The publication check of stripped copies against a register of 2,000 records: a generated 12-megapixel
/// camera-like JPEG, and, with <c>MEDIAGATE_CORPUS</c> set to the compatibility corpus, its 12-megapixel
/// JPEG (<c>outside/MikeKovarik+exifr/iptc-mess.jpg</c>, 4256x2832) and its MP4 and MOV files
/// (<c>voorbeeld/formats/mp4_*</c>, <c>mov_*</c>). One operation checks every copy of the input once.
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0)]
[MemoryDiagnoser]
public class PublicationCheckBenchmarks
{
    private readonly PublicationCheck _check = new();
    private List<(byte[] Copy, MediaFormat Format)> _copies = [];
    private IdentifierSearch _identifiers = IdentifierSearch.For([]);

    [Params("generated-12mp-jpeg", "corpus-12mp-jpeg", "corpus-videos")]
    public string Input { get; set; } = "generated-12mp-jpeg";

    [GlobalSetup]
    public async Task Setup()
    {
        _identifiers = IdentifierSearch.For(Register(2000));
        var files = Input switch
        {
            "generated-12mp-jpeg" => [(RedactionBenchmarks.CameraLikeJpeg(4000, 3000), MediaFormat.Jpeg)],
            "corpus-12mp-jpeg" => [(await File.ReadAllBytesAsync(Path.Combine(Corpus(), "outside", "MikeKovarik+exifr", "iptc-mess.jpg")), MediaFormat.Jpeg)],
            _ => Directory.GetFiles(Path.Combine(Corpus(), "voorbeeld", "formats"))
                .Where(f => Path.GetFileName(f).StartsWith("mp4_", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith("mov_", StringComparison.Ordinal))
                .Select(f => (File.ReadAllBytes(f), MediaFormat.IsoMedia))
                .ToList(),
        };

        var stripper = new MetadataStripper();
        _copies = [];
        foreach (var (bytes, format) in files)
        {
            using var destination = new MemoryStream();
            if ((await stripper.StripAsync(new MemoryStream(bytes), format, destination, CancellationToken.None)).Succeeded)
            {
                _copies.Add((destination.ToArray(), format));
            }
        }

        Console.WriteLine($"// {Input}: {_copies.Count} copies, {_copies.Sum(c => (long)c.Copy.Length) / Math.Max(1, _copies.Count)} bytes per copy");
    }

    [Benchmark]
    public int CheckAllCopies()
    {
        var passed = 0;
        foreach (var (copy, format) in _copies)
        {
            var result = _check.Check(new MemoryStream(copy, writable: false), format, _identifiers, CancellationToken.None);
            passed += result.Succeeded ? 1 : throw new InvalidOperationException(result.Message);
        }

        return passed;
    }

    private static string Corpus() =>
        Environment.GetEnvironmentVariable("MEDIAGATE_CORPUS") ?? throw new InvalidOperationException("Set MEDIAGATE_CORPUS to the compatibility corpus.");

    internal static List<ConsentRecord> Register(int count)
    {
        string[] first = ["Emma", "Noah", "Sanne", "Daan", "Julia", "Sem", "Tess", "Lucas", "Mila", "Finn", "Zoë", "Levi", "Saar", "Milan", "Noor", "Jesse", "Fenna", "Thijs", "Liv", "Bram"];
        string[] last = ["de Vries", "Bakker", "Jansen", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "van den Berg"];
        string[] extra = [string.Empty, "-Hoekstra", "-Koster", "-Prins", "-Huisman"];
        return [.. Enumerable.Range(0, count).Select(i => new ConsentRecord
        {
            School = "de-wilg",
            SubjectId = $"LL-{10000 + i}",
            Kind = SubjectKind.Pupil,
            DisplayName = $"{first[i % first.Length]} {last[i / first.Length % last.Length]}{extra[i / 400 % extra.Length]}",
            Channels = ["website"],
            ValidFrom = new DateOnly(2026, 8, 1),
            ValidUntil = new DateOnly(2027, 7, 31),
            Evidence = $"form-{i}",
        })];
    }
}

/// <summary>
/// The search alone: one megabyte of metadata bytes against a register of 2,000 records (every view:
/// UTF-8, Latin-1, UTF-16 in both byte orders and alignments), as random bytes and as XMP-like text.
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0)]
[MemoryDiagnoser]
public class IdentifierSearchBenchmarks
{
    private IdentifierSearch _identifiers = IdentifierSearch.For([]);
    private byte[] _bytes = [];

    [Params("random", "text")]
    public string Content { get; set; } = "random";

    [GlobalSetup]
    public void Setup()
    {
        _identifiers = IdentifierSearch.For(PublicationCheckBenchmarks.Register(2000));
        _bytes = new byte[1024 * 1024];
        if (Content == "random")
        {
            new Random(1).NextBytes(_bytes);
        }
        else
        {
            var text = "<rdf:li>sportdag groep 8 schoolplein</rdf:li> <exif:Make>Canon</exif:Make> "u8;
            for (var i = 0; i < _bytes.Length; i++)
            {
                _bytes[i] = text[i % text.Length];
            }
        }
    }

    [Benchmark]
    public bool FindInOneMegabyte() => _identifiers.Find(_bytes) is null;
}
