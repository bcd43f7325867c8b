using System.ComponentModel.DataAnnotations;

namespace Kalisto.MediaGate.Tags;

/// <summary>Limits and markers of the tag reader (configuration section <c>MediaGate:Tags</c>).</summary>
public sealed class TagReaderOptions
{
    public const string Section = "MediaGate:Tags";

    /// <summary>Most metadata bytes read from one file (XMP, EXIF, IPTC, boxes); beyond it: <c>too-large</c>.</summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public int MaxMetadataBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Deepest XML nesting accepted in an XMP packet; real packets stay under 20.</summary>
    [Range(8, 1000)]
    public int MaxXmlDepth { get; set; } = 64;

    /// <summary>Keywords that assert the item shows nobody (compared case-insensitively).</summary>
    [MinLength(1)]
    public IList<string> NoPeopleKeywords { get; init; } = ["no-people", "geen-personen"];
}
