using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>
/// A message on the redaction queue: make the redacted derivative of an item and publish it, for the
/// decision <see cref="RedactionKey"/> that asked for it. Subject IDs only, no names.
/// </summary>
public sealed record RedactionRequest(
    string School,
    string Location,
    string ItemKey,
    MediaFormat Format,
    IReadOnlyList<FaceRegion> Regions,
    IReadOnlyList<string> RedactedSubjects,
    string RedactionKey)
{
    public static RedactionRequest For(ItemState item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item.School, item.Location, item.ItemId, item.Tags.Format, item.Redactions, item.RedactedSubjects, item.RedactionKey);
    }
}
