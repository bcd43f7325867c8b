using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>
/// A message on the redaction queue, the imaging worker's: make the redacted derivative of an item and publish it,
/// for the decision <see cref="RedactionKey"/> that asked for it; or, with <see cref="Faces"/>, look for the faces of
/// the item's upload <see cref="SourceETag"/> and decide it with them. Subject IDs only, no names.
/// </summary>
public sealed record RedactionRequest(
    string School,
    string Location,
    string ItemKey,
    MediaFormat Format,
    IReadOnlyList<FaceRegion> Regions,
    IReadOnlyList<string> RedactedSubjects,
    string RedactionKey,
    bool Faces = false,
    string? SourceETag = null)
{
    public static RedactionRequest For(ItemState item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item.School, item.Location, item.ItemId, item.Tags.Format, item.Redactions, item.RedactedSubjects, item.RedactionKey);
    }

    /// <summary>The request to look for the faces of <paramref name="item"/>.</summary>
    public static RedactionRequest FacesOf(ItemState item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item.School, item.Location, item.ItemId, item.Tags.Format, [], [], string.Empty, Faces: true, item.SourceETag);
    }
}
