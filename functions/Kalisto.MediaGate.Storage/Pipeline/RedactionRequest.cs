using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>
/// A message on the redaction queue: make the redacted derivative of a quarantined original and
/// publish it. Subject IDs only, no names.
/// </summary>
public sealed record RedactionRequest(
    string School,
    string Location,
    string ItemKey,
    string SourceETag,
    MediaFormat Format,
    IReadOnlyList<FaceRegion> Regions,
    IReadOnlyList<string> Channels,
    IReadOnlyList<string> RedactedSubjects,
    string DecisionKey)
{
    public static RedactionRequest For(ItemState item, ScreeningDecision decision, MediaFormat format)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(decision);
        return new(item.School, item.Location, item.Key, item.SourceETag, format, decision.Redactions, decision.Channels, decision.RedactedSubjects, item.DecisionKey);
    }
}
