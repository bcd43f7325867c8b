using System.Text;
using Kalisto.MediaGate.Imaging.Stripping;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tags;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Xmp;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

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

    /// <summary>
    /// MetadataExtractor finds no XMP, IPTC or GPS, and no tag that holds an identifier (of
    /// <paramref name="values"/>, or else the fixtures' <see cref="Identifiers"/>) or a location.
    /// </summary>
    public static void AssertMetadataExtractorFindsNothing(byte[] output, IReadOnlyCollection<string>? values = null)
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
            foreach (var value in values ?? Identifiers)
            {
                Assert.DoesNotContain(value, tag.Description ?? string.Empty, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    /// <summary>Both decode (ImageSharp) to the same size and the same pixels.</summary>
    public static void AssertSamePixels(byte[] expected, byte[] actual)
    {
        using var a = Image.Load<Rgba32>(expected);
        using var b = Image.Load<Rgba32>(actual);
        Assert.Equal(a.Size(), b.Size());
        for (var y = 0; y < a.Height; y++)
        {
            for (var x = 0; x < a.Width; x++)
            {
                Assert.Equal(a[x, y], b[x, y]);
            }
        }
    }

    public static void AssertIdentifiersPresent(byte[] input)
    {
        Assert.Contains(Identifiers, v => input.AsSpan().IndexOf(Encoding.UTF8.GetBytes(v)) >= 0 || input.AsSpan().IndexOf(Encoding.Unicode.GetBytes(v)) >= 0);
    }

    /// <summary>
    /// The copy of an ISO media file is exactly the model's expectation: the <paramref name="values"/> gone
    /// in every encoding, the length kept, each kept box byte for byte at its offset, containers' headers and
    /// fixed fields kept, free space zeroed under its own header, neutralised boxes turned into zeroed
    /// <c>free</c> boxes; and it parses box by box, so players and the tag reader walk it as before.
    /// </summary>
    public static async Task AssertIsoStrippedAsModelledAsync(IsoNode[] model, MediaFormat format, string[] values)
    {
        var input = IsoNode.File(model);
        Assert.True(Traces(input, values).Count == values.Length, "the fixture does not hold every value it hides");

        var (result, output) = await StripAsync(input, format);

        Assert.True(result.Succeeded, $"{result.ReasonCode}: {result.Message}");
        Assert.Empty(Traces(output, values));
        Assert.Equal(input.Length, output.Length);
        foreach (var (path, start, node) in IsoNode.Layout(model))
        {
            var end = start + node.Size;
            switch (node.Fate)
            {
                case BoxFate.Kept:
                    Assert.True(input.AsSpan(start..end).SequenceEqual(output.AsSpan(start..end)), $"{path} changed");
                    break;
                case BoxFate.Walked:
                    var fieldsEnd = start + 8 + node.Fields.Length;
                    Assert.True(input.AsSpan(start..fieldsEnd).SequenceEqual(output.AsSpan(start..fieldsEnd)), $"the header or fields of {path} changed");
                    break;
                case BoxFate.Emptied:
                    Assert.True(input.AsSpan(start, 8).SequenceEqual(output.AsSpan(start, 8)), $"the header of {path} changed");
                    Assert.True(output.AsSpan((start + 8)..end).IndexOfAnyExcept((byte)0) < 0, $"{path} still holds data");
                    break;
                case BoxFate.Gone:
                    Assert.True(input.AsSpan(start, 4).SequenceEqual(output.AsSpan(start, 4)), $"the size of {path} changed");
                    Assert.Equal("free", Encoding.Latin1.GetString(output, start + 4, 4));
                    Assert.True(output.AsSpan((start + 8)..end).IndexOfAnyExcept((byte)0) < 0, $"{path} still holds data");
                    break;
                default:
                    throw new InvalidOperationException();
            }
        }

        Assert.Equal(IsoNode.ExpectedFile(model), output);
        var expected = IsoNode.Layout(model).ToDictionary(b => b.Start);
        var parsed = MediaLayout.IsoBoxes(output);
        Assert.Equal(model.Length, parsed.Count(b => !b.Path[1..].Contains('/', StringComparison.Ordinal)));
        foreach (var (path, start, type, size) in parsed)
        {
            Assert.True(expected.TryGetValue(start, out var box), $"{path} at {start} is not a box of the original");
            Assert.Equal((box.Node.ExpectedType, box.Node.Size), (type, size));
        }

        AssertTagReaderFindsNothing(output, format == MediaFormat.Heif ? "copy.heic" : "copy.mp4");
    }

    /// <summary>Which of the values occur, in UTF-8 or UTF-16 of either byte order.</summary>
    private static List<string> Traces(byte[] bytes, string[] values) =>
        [.. values.Where(value => new[] { Encoding.UTF8, Encoding.Unicode, Encoding.BigEndianUnicode }.Any(e => bytes.AsSpan().IndexOf(e.GetBytes(value)) >= 0))];
}
