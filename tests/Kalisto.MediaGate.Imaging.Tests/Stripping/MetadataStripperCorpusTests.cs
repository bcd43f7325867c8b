using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Xmp;
using Xunit.Abstractions;

namespace Kalisto.MediaGate.Imaging.Tests.Stripping;

/// <summary>The outside corpus (real camera and phone files, fuzzer crashers); skipped when it is absent.</summary>
public sealed class MetadataStripperCorpusTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Every_camera_and_phone_file_is_stripped_or_refused_and_copies_have_no_tags()
    {
        var files = System.IO.Directory.GetFiles(Path.Combine(TestData.RequireCorpus(), "voorbeeld"), "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            .ToList();

        await StripAllAsync(files, checkMetadataExtractor: true);
    }

    [SkippableFact]
    public async Task Every_fuzz_file_is_refused_or_stripped_without_hanging()
    {
        var files = System.IO.Directory.GetFiles(Path.Combine(TestData.RequireCorpus(), "fuzz"));

        await StripAllAsync(files, checkMetadataExtractor: false);
    }

    /// <summary>MetadataExtractor 2.4.3 throws on some real HEIC files (its item property index); those are checked by the tag reader only.</summary>
    private static bool MetadataExtractorReads(byte[] input)
    {
        try
        {
            ImageMetadataReader.ReadMetadata(new MemoryStream(input));
            return true;
        }
        catch (Exception e) when (e is ImageProcessingException or ArgumentException or IOException)
        {
            return false;
        }
    }

    private async Task StripAllAsync(IReadOnlyList<string> files, bool checkMetadataExtractor)
    {
        Assert.NotEmpty(files);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new TagReader();
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            var input = await File.ReadAllBytesAsync(file);
            var format = reader.Read(new MemoryStream(input), name).Format;

            // A hang guard, not a speed measurement.
            var strip = Task.Run(() => StrippedCopy.StripAsync(input, format));
            Assert.True(strip.Wait(TimeSpan.FromSeconds(2)), $"{name} did not return within 2 s");
            var (result, copy) = await strip;

            var key = $"{format} {(result.Succeeded ? "stripped" : result.ReasonCode)}";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
            if (result.Succeeded)
            {
                var tags = reader.Read(new MemoryStream(copy), name);
                Assert.True(tags.Persons.Count == 0 && tags.Keywords.Count == 0, $"{name}: the copy still has tags");
                if (checkMetadataExtractor && format != MediaFormat.Wav && MetadataExtractorReads(input))
                {
                    var directories = ImageMetadataReader.ReadMetadata(new MemoryStream(copy));
                    Assert.False(directories.Any(d => d is GpsDirectory or XmpDirectory or IptcDirectory), $"{name}: the copy still has GPS, XMP or IPTC");
                }
            }
            else
            {
                Assert.Empty(copy);
                output.WriteLine($"{name}: {result.ReasonCode} ({result.Message})");
            }
        }

        foreach (var (key, count) in outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{key}: {count}");
        }
    }
}
