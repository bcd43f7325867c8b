using System.Text;
using Kalisto.MediaGate.Imaging.Stripping;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tags;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Xmp;

namespace Kalisto.MediaGate.Imaging.Tests.Stripping;

/// <summary>Runs the stripper on bytes and checks a copy for identifiers, as every format test does.</summary>
internal static class StrippedCopy
{
    /// <summary>The subject IDs and display names written into the fixtures.</summary>
    public static readonly string[] Identifiers = ["LL-1001", "LL-1002", "MW-2001", "Emma de Vries", "Noah Bakker", "Sanne Jansen"];

    public static string FixturePath(string name) =>
        name.Contains("-identifiers.", StringComparison.Ordinal)
            ? Path.Combine(AppContext.BaseDirectory, "Data", "Stripping", name)
            : Kalisto.MediaGate.Tests.Support.TestData.File(name);

    public static async Task<(PublishResult Result, byte[] Output)> StripAsync(byte[] input, MediaFormat format)
    {
        using var source = new MemoryStream(input, writable: false);
        using var destination = new MemoryStream();
        var result = await new MetadataStripper().StripAsync(source, format, destination, CancellationToken.None);
        return (result, destination.ToArray());
    }

    public static async Task<byte[]> StripFixtureAsync(string name, MediaFormat format)
    {
        var (result, output) = await StripAsync(await File.ReadAllBytesAsync(FixturePath(name)), format);
        Assert.True(result.Succeeded, $"{name}: {result.ReasonCode} {result.Message}");
        return output;
    }

    /// <summary>No ID or name in the bytes (UTF-8, or UTF-16 as XP tags and QuickTime text use).</summary>
    public static void AssertNoIdentifierBytes(byte[] output)
    {
        foreach (var value in Identifiers)
        {
            foreach (var encoding in new[] { Encoding.UTF8, Encoding.Unicode, Encoding.BigEndianUnicode })
            {
                Assert.True(output.AsSpan().IndexOf(encoding.GetBytes(value)) < 0, $"'{value}' ({encoding.WebName}) is still in the copy");
            }
        }

        Assert.True(output.AsSpan().IndexOf("+52.37"u8) < 0, "a QuickTime location is still in the copy");
    }

    /// <summary>The project's tag reader finds nothing, and finds it without problems.</summary>
    public static void AssertTagReaderFindsNothing(byte[] output, string fileName)
    {
        var tags = new TagReader().Read(new MemoryStream(output), fileName);

        Assert.Empty(tags.Problems);
        Assert.Empty(tags.Persons);
        Assert.Empty(tags.Keywords);
    }

    /// <summary>MetadataExtractor finds no XMP, IPTC or GPS, and no tag that holds an identifier or a location.</summary>
    public static void AssertMetadataExtractorFindsNothing(byte[] output)
    {
        var directories = ImageMetadataReader.ReadMetadata(new MemoryStream(output));

        Assert.Empty(directories.OfType<XmpDirectory>());
        Assert.Empty(directories.OfType<IptcDirectory>());
        Assert.Empty(directories.OfType<GpsDirectory>());
        foreach (var tag in directories.SelectMany(d => d.Tags))
        {
            Assert.DoesNotContain("GPS", tag.Name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Location", tag.Name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Keyword", tag.Name, StringComparison.OrdinalIgnoreCase);
            foreach (var value in Identifiers)
            {
                Assert.DoesNotContain(value, tag.Description ?? string.Empty, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    public static void AssertIdentifiersPresent(byte[] input)
    {
        Assert.Contains(Identifiers, v => input.AsSpan().IndexOf(Encoding.UTF8.GetBytes(v)) >= 0 || input.AsSpan().IndexOf(Encoding.Unicode.GetBytes(v)) >= 0);
    }
}
