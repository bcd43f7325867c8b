using System.Globalization;
using System.Text;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>Collects what the format readers find in one file, and keeps the metadata byte budget.</summary>
internal sealed class TagCollector(TagReaderOptions options)
{
    private readonly List<PersonTag> _persons = [];
    private readonly List<KeywordTag> _keywords = [];
    private readonly List<TagProblem> _problems = [];
    private readonly List<PendingRegion> _regions = [];
    private long _metadataBytes;

    public TagReaderOptions Options { get; } = options;

    /// <summary>EXIF orientation of the image, once known.</summary>
    public int Orientation { get; set; } = 1;

    public void Person(string? value, string source, IReadOnlyList<string>? alternatives = null)
    {
        var trimmed = Clean(value);
        var others = alternatives?.Select(Clean).OfType<string>().Where(a => a != trimmed).Distinct().ToArray();
        if (trimmed is null && others is { Length: > 0 })
        {
            trimmed = others[0];
            others = others[1..];
        }

        if (trimmed is null)
        {
            return;
        }

        _persons.Add(new PersonTag(trimmed, source, null, others is { Length: > 0 } ? others : null));
    }

    /// <summary>A face region in stored-image coordinates (top-left based); turned when the result is built.</summary>
    public void FaceRegion(string? name, string source, double left, double top, double width, double height) =>
        _regions.Add(new PendingRegion(Clean(name), source, left, top, width, height));

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
            var region = Tags.FaceRegion.FromStored(r.Left, r.Top, r.Width, r.Height, Orientation);
            persons.Add(new PersonTag(r.Name, r.Source, region));
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

    private static string? Clean(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var trimmed = value.Trim().Trim('\0').Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }

    private sealed record PendingRegion(string? Name, string Source, double Left, double Top, double Width, double Height);
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
