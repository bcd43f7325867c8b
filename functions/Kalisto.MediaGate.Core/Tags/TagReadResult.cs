namespace Kalisto.MediaGate.Tags;

/// <summary>Everything the tag reader found in one file.</summary>
public sealed record TagReadResult
{
    public required MediaKind Kind { get; init; }

    public required MediaFormat Format { get; init; }

    public IReadOnlyList<PersonTag> Persons { get; init; } = [];

    public IReadOnlyList<KeywordTag> Keywords { get; init; } = [];

    /// <summary>True when a keyword is one of the configured no-people markers.</summary>
    public bool HasNoPeopleMarker { get; init; }

    /// <summary>EXIF orientation (1..8) used to turn face regions to the displayed image.</summary>
    public int Orientation { get; init; } = 1;

    /// <summary>Problems; any problem means the tags may be incomplete, so the item is not approved.</summary>
    public IReadOnlyList<TagProblem> Problems { get; init; } = [];

    /// <summary>Bytes of the file that the reader read, for the bounded-reading guarantees.</summary>
    public long BytesRead { get; init; }
}
