using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Kalisto.MediaGate.Imaging.Redaction;
using Kalisto.MediaGate.Tags;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace Kalisto.MediaGate.Benchmarks;

/// <summary>
/// One redaction of a 12-megapixel camera-like JPEG (4000x3000, quality 90) with three faces: decode,
/// pixelate, encode. Peak memory of a single redaction in a fresh process:
/// <c>dotnet run -c Release --project benchmarks/Kalisto.MediaGate.Benchmarks -- redaction-peak-memory</c>.
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0)]
[MemoryDiagnoser]
public class RedactionBenchmarks
{
    private static readonly FaceRegion[] Faces =
    [
        new(0.12, 0.20, 0.10, 0.14),
        new(0.45, 0.25, 0.09, 0.12),
        new(0.74, 0.30, 0.11, 0.15),
    ];

    private readonly ImageRedactor _redactor = new();
    private byte[] _jpeg = [];

    [GlobalSetup]
    public void Setup() => _jpeg = CameraLikeJpeg(4000, 3000);

    [Benchmark]
    public async Task<long> RedactThreeFaces()
    {
        using var source = new MemoryStream(_jpeg, writable: false);
        using var destination = new MemoryStream();
        var result = await _redactor.RedactAsync(source, MediaFormat.Jpeg, Faces, destination, CancellationToken.None);
        return result.Succeeded ? destination.Length : throw new InvalidOperationException(result.Message);
    }

    /// <summary>Runs one redaction and prints the process's peak working set.</summary>
    public static async Task<int> MeasurePeakMemory()
    {
        var jpeg = CameraLikeJpeg(4000, 3000);
        GC.Collect();
        var before = Process.GetCurrentProcess().PeakWorkingSet64;
        var clock = Stopwatch.StartNew();
        using var source = new MemoryStream(jpeg, writable: false);
        using var destination = new MemoryStream();
        var result = await new ImageRedactor().RedactAsync(source, MediaFormat.Jpeg, Faces, destination, CancellationToken.None);
        var elapsed = clock.Elapsed;
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"input {jpeg.Length / 1024} KiB, output {destination.Length / 1024} KiB, {result.ReasonCode ?? "redacted"} in {elapsed.TotalMilliseconds:0} ms (first run, not warmed up)");
        Console.WriteLine($"peak working set: {before / (1024 * 1024)} MiB before the redaction (test image generated), {process.PeakWorkingSet64 / (1024 * 1024)} MiB after");
        return result.Succeeded ? 0 : 1;
    }

    /// <summary>A gradient with many small sharp patches and sensor-like noise, encoded at quality 90.</summary>
    internal static byte[] CameraLikeJpeg(int width, int height)
    {
        var random = new Random(12);
        using var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(accessor =>
        {
            for (var y = 0; y < height; y++)
            {
                var row = accessor.GetRowSpan(y);
                for (var x = 0; x < width; x++)
                {
                    var noise = random.Next(-6, 7);
                    row[x] = new Rgb24(
                        (byte)Math.Clamp((200 * x / width) + 30 + noise, 0, 255),
                        (byte)Math.Clamp((180 * y / height) + 40 + noise, 0, 255),
                        (byte)Math.Clamp(120 + noise, 0, 255));
                }
            }

            for (var patch = width * height / 400; patch > 0; patch--)
            {
                var grey = random.Next(256);
                var colour = new Rgb24((byte)grey, (byte)Math.Clamp(grey + random.Next(-30, 31), 0, 255), (byte)Math.Clamp(grey + random.Next(-30, 31), 0, 255));
                int w = random.Next(3, 40), h = random.Next(3, 40), left = random.Next(width - w), top = random.Next(height - h);
                for (var y = top; y < top + h; y++)
                {
                    accessor.GetRowSpan(y).Slice(left, w).Fill(colour);
                }
            }
        });
        using var stream = new MemoryStream();
        image.Save(stream, new JpegEncoder { Quality = 90, ColorType = JpegColorType.YCbCrRatio420 });
        return stream.ToArray();
    }
}
