using System.Diagnostics;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Imaging.Redaction;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Kalisto.MediaGate.Imaging.Tests.Redaction;

/// <summary>The outside corpus (real files no one on this project made); skipped when it is absent.</summary>
public sealed class CorpusRedactionTests(ITestOutputHelper output)
{
    private static readonly FaceRegion Centre = new(0.4, 0.4, 0.2, 0.2);

    private static readonly string[] FailureReasons = [ReasonCode.Unreadable, ReasonCode.TooLarge, ReasonCode.UnsupportedType];

    [SkippableFact]
    public async Task Every_fuzzer_crasher_and_camera_file_gives_a_result_never_an_exception()
    {
        var corpus = TestData.RequireCorpus();
        var files = Directory.GetFiles(Path.Combine(corpus, "fuzz"))
            .Concat(Directory.GetFiles(Path.Combine(corpus, "voorbeeld"), "*", SearchOption.AllDirectories))
            .Where(f => !f.EndsWith(".csv", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var redactor = new ImageRedactor(Options.Create(new ImagingOptions { PixelWorkTimeout = TimeSpan.FromSeconds(10) }));
        var reader = new TagReader();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var slowest = TimeSpan.Zero;

        foreach (var file in files)
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024);
            var format = reader.Read(stream, Path.GetFileName(file)).Format;
            stream.Position = 0;
            var clock = Stopwatch.StartNew();

            var result = await redactor.RedactAsync(stream, format, [Centre], Stream.Null, CancellationToken.None);

            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            Assert.True(
                result.Succeeded || (FailureReasons.Contains(result.ReasonCode) && !string.IsNullOrEmpty(result.Message)),
                $"{Path.GetFileName(file)}: {result.ReasonCode} {result.Message}");
            var key = $"{Path.GetFileName(Path.GetDirectoryName(file))} {format} {result.ReasonCode ?? "redacted"}";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        foreach (var (key, count) in outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{key}: {count}");
        }

        output.WriteLine($"{files.Count} files, slowest {slowest.TotalMilliseconds:0} ms");
        Assert.Contains(outcomes, o => o.Key.StartsWith("formats Jpeg redacted", StringComparison.Ordinal));
    }
}
