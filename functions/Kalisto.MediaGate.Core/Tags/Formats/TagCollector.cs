using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Kalisto.MediaGate.Decisions;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>Collects what the format readers find in one file, and keeps the metadata byte budget.</summary>
internal sealed class TagCollector(TagReaderOptions options, Regex? subjectIdSearch = null)
{
    private readonly List<PersonTag> _persons = [];
    private readonly HashSet<string> _unplaced = new(StringComparer.Ordinal);
    private readonly List<KeywordTag> _keywords = [];
    private readonly List<TagProblem> _problems = [];
    private readonly List<PendingRegion> _regions = [];
    private long _metadataBytes;

    public TagReaderOptions Options { get; } = options;

    /// <summary>EXIF orientation of the image, once known.</summary>
    public int Orientation { get; set; } = 1;

    /// <summary>The stored image's size in pixels, once known (for regions given in pixels).</summary>
    public (double Width, double Height)? ImageSize { get; set; }

    /// <summary>True when a region was given in pixels and the format reader has not found the image size yet.</summary>
    public bool NeedsImageSize => ImageSize is null && HasPixelRegions;

    /// <summary>True when a region was given in pixels.</summary>
    public bool HasPixelRegions => _regions.Any(r => r.InPixels);

    public void Person(string? value, string source, IReadOnlyList<string>? alternatives = null)
    {
        var (trimmed, others) = Values(value, alternatives);
        if (trimmed is not null)
        {
            _persons.Add(new PersonTag(trimmed, source, null, others));
        }
    }

    /// <summary>A person entry's first value and its other, distinct values (null when there are none).</summary>
    private static (string? Value, string[]? Alternatives) Values(string? value, IReadOnlyList<string>? alternatives)
    {
        var trimmed = Clean(value);
        var others = alternatives?.Select(Clean).OfType<string>().Where(a => a != trimmed).Distinct().ToArray();
        if (trimmed is null && others is { Length: > 0 })
        {
            trimmed = others[0];
            others = others[1..];
        }

        return (trimmed, others is { Length: > 0 } ? others : null);
    }

    /// <summary>Whether a person with this value (trimmed, exactly) was already found.</summary>
    public bool HasPerson(string value)
    {
        var trimmed = Clean(value);
        return _persons.Any(p => p.Value == trimmed || p.Alternatives?.Contains(trimmed!) == true)
            || _regions.Any(r => r.Name == trimmed || r.Alternatives?.Contains(trimmed!) == true);
    }

    /// <summary>
    /// The safety net of SPEC §3.1: <paramref name="text"/> was examined but is not a tag location; if it
    /// holds something that looks like a subject ID, the file is unreadable, with <paramref name="place"/> named.
    /// </summary>
    public void Examined(string? text, string place)
    {
        // White space (the indentation between XMP elements, most of a packet's text nodes) holds no ID.
        if (subjectIdSearch is not null && !string.IsNullOrWhiteSpace(text) && subjectIdSearch.IsMatch(text))
        {
            _unplaced.Add(place);
        }
    }

    /// <summary>Whether the safety net looks at text at all (a reader can skip decoding text when not).</summary>
    public bool ExaminesText => subjectIdSearch is not null;

    /// <summary>A face region in stored-image coordinates (top-left based); turned when the result is built.</summary>
    public void FaceRegion(string? name, string source, double left, double top, double width, double height) =>
        _regions.Add(new PendingRegion(Clean(name), null, source, left, top, width, height, InPixels: false, EitherOrientation: false));

    /// <summary>
    /// A person of an IPTC image region (top-left based, relative or in pixels). The IPTC standard does
    /// not say whether a region follows EXIF orientation, so on a turned image the region covers both readings.
    /// </summary>
    public void ImageRegionPerson(string? name, IReadOnlyList<string> alternatives, string source, double left, double top, double width, double height, bool inPixels)
    {
        var (value, others) = Values(name, alternatives);
        if (value is not null)
        {
            _regions.Add(new PendingRegion(value, others, source, left, top, width, height, inPixels, EitherOrientation: true));
        }
    }

    /// <summary>A face or person region whose rectangle is missing or unusable: still a person.</summary>
    public void RegionWithoutArea(string? name, string source) =>
        _persons.Add(new PersonTag(Clean(name), source));

    public void Keyword(string? value, string source)
    {
        var trimmed = Clean(value);
        if (trimmed is not null)
        {
            _keywords.Add(new KeywordTag(trimmed, source));
        }
    }

    /// <summary>Keywords from a hierarchical path: every level counts.</summary>
    public void HierarchicalKeyword(string? path, char separator, string source)
    {
        if (path is null)
        {
            return;
        }

        foreach (var level in path.Split(separator))
        {
            Keyword(level, source);
        }
    }

    public void Problem(string code, string message) => _problems.Add(new TagProblem(code, message));

    /// <summary>Counts metadata bytes against <see cref="TagReaderOptions.MaxMetadataBytes"/>.</summary>
    public void Account(long bytes, string what)
    {
        if (bytes < 0)
        {
            throw new UnreadableMetadataException($"{what} has a negative length");
        }

        _metadataBytes += bytes;
        if (_metadataBytes > Options.MaxMetadataBytes)
        {
            throw new MetadataTooLargeException(
                string.Create(CultureInfo.InvariantCulture, $"metadata is larger than the limit of {Options.MaxMetadataBytes} bytes ({what})"));
        }
    }

    public TagReadResult Build(MediaKind kind, MediaFormat format, long bytesRead)
    {
        var persons = new List<PersonTag>(_persons);
        foreach (var r in _regions)
        {
            persons.Add(new PersonTag(r.Name, r.Source, Region(r), r.Alternatives));
        }

        foreach (var place in _unplaced.Order(StringComparer.Ordinal))
        {
            Problem(ReasonCode.Unreadable,
                $"text that looks like a subject ID is in {place}, which is not a place MediaGate reads people from; put the person in a people tag (SPEC 3.1)");
        }

        return new TagReadResult
        {
            Kind = kind,
            Format = format,
            Persons = persons,
            Keywords = [.. _keywords],
            HasNoPeopleMarker = _keywords.Any(k => Options.NoPeopleKeywords.Any(m => string.Equals(m.Trim(), k.Value, StringComparison.OrdinalIgnoreCase))),
            Orientation = Orientation,
            Problems = [.. _problems],
            BytesRead = bytesRead,
        };
    }

    private FaceRegion? Region(PendingRegion r)
    {
        var (left, top, width, height) = (r.Left, r.Top, r.Width, r.Height);
        if (r.InPixels)
        {
            if (ImageSize is not { Width: > 0, Height: > 0 } size)
            {
                return null; // a person without a usable area: still a person, but not one to redact
            }

            (left, top, width, height) = (left / size.Width, top / size.Height, width / size.Width, height / size.Height);
        }

        var stored = Tags.FaceRegion.FromStored(left, top, width, height, Orientation);
        if (!r.EitherOrientation || Orientation == 1)
        {
            return stored;
        }

        var displayed = r.InPixels && Orientation >= 5
            ? Tags.FaceRegion.FromStored(r.Left / ImageSize!.Value.Height, r.Top / ImageSize.Value.Width, r.Width / ImageSize.Value.Height, r.Height / ImageSize.Value.Width, 1)
            : Tags.FaceRegion.FromStored(left, top, width, height, 1);
        return stored.Union(displayed);
    }

    private static string? Clean(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var trimmed = value.Trim().Trim('\0').Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }

    private sealed record PendingRegion(
        string? Name, IReadOnlyList<string>? Alternatives, string Source, double Left, double Top, double Width, double Height, bool InPixels, bool EitherOrientation);
}

/// <summary>Text helpers shared by the format readers.</summary>
internal static class MetadataText
{
    /// <summary>EXIF XPKeywords: UTF-16LE, NUL-terminated, <c>;</c>-separated.</summary>
    public static IEnumerable<string> XpKeywords(byte[] bytes)
    {
        var text = Encoding.Unicode.GetString(bytes, 0, bytes.Length - (bytes.Length % 2));
        var end = text.IndexOf('\0', StringComparison.Ordinal);
        if (end >= 0)
        {
            text = text[..end];
        }

        return text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
