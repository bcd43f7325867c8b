namespace Kalisto.MediaGate.Tags;

/// <summary>
/// A value from a person field (SPEC §3.2): every value is a person. <see cref="Value"/> is
/// <see langword="null"/> for an unnamed face region, which is an unidentified person.
/// </summary>
/// <param name="Value">The ID or name as written, trimmed; null when the person is unnamed.</param>
/// <param name="Source">Where it was found, e.g. <c>XMP Iptc4xmpExt:PersonInImage (APP1)</c>.</param>
/// <param name="Region">For face regions, the rectangle on the displayed image.</param>
/// <param name="Alternatives">
/// Other values that name the same person in the same entry (a PersonInImageWDetails entry with
/// both a PersonId and a PersonName): resolution may use them when <see cref="Value"/> does not resolve.
/// </param>
public sealed record PersonTag(string? Value, string Source, FaceRegion? Region = null, IReadOnlyList<string>? Alternatives = null)
{
    public bool IsUnnamed => Value is null;
}

/// <summary>A value from a keyword field; it counts only when it is a subject ID (SPEC §3.2).</summary>
public sealed record KeywordTag(string Value, string Source);

/// <summary>Something that stopped the file from being read completely; <see cref="Code"/> is a reason code.</summary>
public sealed record TagProblem(string Code, string Message);
