using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Kalisto.MediaGate.Imaging.Faces;
using Kalisto.MediaGate.Tags;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kalisto.MediaGate.Benchmarks;

/// <summary>
/// Face detection of a 12-megapixel camera-like JPEG (4000x3000, quality 90, as <see cref="RedactionBenchmarks"/>),
/// decode included, side by side with the decode alone (the floor), in the same run, the benchmark process on one
/// core (<c>--affinity 1</c>; not <c>taskset</c>, which would hold BenchmarkDotNet's own build to that core too):
/// <c>dotnet run -c Release --project benchmarks/Kalisto.MediaGate.Benchmarks -- --filter *FaceDetectionBenchmarks* --affinity 1</c>.
/// Peak memory and the parts of one detection (decode, model runs) in a fresh process:
/// <c>taskset -c 0 dotnet run -c Release --project benchmarks/Kalisto.MediaGate.Benchmarks -- faces-peak-memory</c>.
/// The model must be in the build's output (<c>npm ci</c> before the build).
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0)]
[MemoryDiagnoser]
public class FaceDetectionBenchmarks
{
    private readonly FaceDetector _detector = new();
    private byte[] _jpeg = [];

    [GlobalSetup]
    public void Setup()
    {
        _jpeg = RedactionBenchmarks.CameraLikeJpeg(4000, 3000);
        _detector.EnsureModel();
    }

    [GlobalCleanup]
    public void Cleanup() => _detector.Dispose();

    [Benchmark(Baseline = true)]
    public int DecodeOnly()
    {
        using var image = Image.Load<Rgb24>(_jpeg);
        image.Mutate(context => context.AutoOrient());
        return image.Width;
    }

    [Benchmark]
    public async Task<int> DetectFaces()
    {
        using var source = new MemoryStream(_jpeg, writable: false);
        var faces = await _detector.DetectAsync(source, MediaFormat.Jpeg, CancellationToken.None);
        return faces.Count;
    }

    /// <summary>Runs one detection (the first, cold) and then five warm ones, and prints their times and the process's peak working set.</summary>
    public static async Task<int> MeasurePeakMemory()
    {
        var jpeg = RedactionBenchmarks.CameraLikeJpeg(4000, 3000);
        using var detector = new FaceDetector();
        GC.Collect();
        var before = Process.GetCurrentProcess().PeakWorkingSet64;
        var clock = Stopwatch.StartNew();
        var faces = await DetectAsync(detector, jpeg);
        var cold = clock.Elapsed;
        using (var process = Process.GetCurrentProcess())
        {
            Console.WriteLine($"input {jpeg.Length / 1024} KiB, 4000x3000, {detector.RunsFor(4000, 3000)} model runs, {faces} faces, first detection {cold.TotalMilliseconds:0} ms (model load included)");
            Console.WriteLine($"peak working set: {before / (1024 * 1024)} MiB before the detection (test image generated), {process.PeakWorkingSet64 / (1024 * 1024)} MiB after");
        }

        var decode = new List<double>();
        var pixels = new List<double>();
        var run = new List<double>();
        var detect = new List<double>();
        using var tile = new Image<Rgb24>(256, 256, new Rgb24(120, 110, 100));
        for (var i = 0; i < 5; i++)
        {
            clock.Restart();
            using (var image = Image.Load<Rgb24>(jpeg))
            {
                image.Mutate(context => context.AutoOrient());
                decode.Add(clock.Elapsed.TotalMilliseconds);

                // The detector's work on the decoded photo: its model runs, the scaling of the levels and the rest.
                clock.Restart();
                _ = detector.Detect(image, CancellationToken.None);
                pixels.Add(clock.Elapsed.TotalMilliseconds);
            }

            clock.Restart();
            for (var r = 0; r < 10; r++)
            {
                _ = detector.Detect(tile, CancellationToken.None);
            }

            run.Add(clock.Elapsed.TotalMilliseconds / 10);
            clock.Restart();
            _ = await DetectAsync(detector, jpeg);
            detect.Add(clock.Elapsed.TotalMilliseconds);
        }

        var runs = detector.RunsFor(4000, 3000);
        Console.WriteLine($"warm, median (min) of 5: decode alone {Median(decode):0} ({decode.Min():0}) ms; detection with decode {Median(detect):0} ({detect.Min():0}) ms");
        Console.WriteLine($"  of which detection of the decoded photo {Median(pixels):0} ({pixels.Min():0}) ms: {runs} runs x {Median(run):0.0} ({run.Min():0.0}) ms (one run: a 256x256 image) = {runs * Median(run):0} ms, scaling and the rest {Median(pixels) - (runs * Median(run)):0} ms");
        using (var process = Process.GetCurrentProcess())
        {
            Console.WriteLine($"peak working set after all: {process.PeakWorkingSet64 / (1024 * 1024)} MiB");
        }

        return 0;
    }

    private static async Task<int> DetectAsync(FaceDetector detector, byte[] jpeg)
    {
        using var source = new MemoryStream(jpeg, writable: false);
        return (await detector.DetectAsync(source, MediaFormat.Jpeg, CancellationToken.None)).Count;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
