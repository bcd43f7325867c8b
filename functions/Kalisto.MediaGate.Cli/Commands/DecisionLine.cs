using System.Globalization;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>One line of <c>decisions.jsonl</c> and of <c>screen --json</c>.</summary>
internal sealed record DecisionLine(
    string Path,
    string School,
    string Outcome,
    IReadOnlyList<string> Subjects,
    IReadOnlyList<string> Channels,
    IReadOnlyList<DecisionLine.ReasonLine> Reasons,
    string DecidedAt,
    IReadOnlyList<string>? RedactedSubjects = null,
    IReadOnlyList<Hint>? Hints = null,
    DecisionLine.FaceLine? Faces = null)
{
    public static DecisionLine From(string path, ScreeningResult result) => new(
        path,
        result.Path.School,
        ScreeningMetrics.OutcomeName(result.Decision.Outcome),
        result.Decision.Subjects,
        result.Decision.Channels,
        ReasonLine.From(result.Decision.Reasons),
        Timestamp(result.Decision.DecidedAt),
        RedactedOrNull(result.Decision.Outcome, result.Decision.RedactedSubjects),
        result.Decision.Hints.Count == 0 ? null : result.Decision.Hints,
        FaceLine.From(result.Decision.Faces));

    /// <summary>The line for an item screened on storage: the same shape as offline.</summary>
    public static DecisionLine From(ItemState item) => new(
        item.UploadPath,
        item.School,
        item.StateName,
        item.Subjects,
        item.Channels,
        ReasonLine.From(item.Reasons),
        Timestamp(item.DecidedAt),
        RedactedOrNull(item.Outcome, item.RedactedSubjects),
        Faces: FaceLine.From(item.FaceCheck));

    public static string Timestamp(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static IReadOnlyList<string>? RedactedOrNull(Outcome outcome, IReadOnlyList<string> subjects) =>
        outcome == Decisions.Outcome.Redacted ? subjects : null;

    /// <summary>A reason: its code, its subject ID, and the tags that gave it (where, and the value as tagged).</summary>
    /// <remarks>
    /// The values are personal data of the file itself (what was typed in it), shown to the person screening:
    /// never a display name from the register, and never logged.
    /// </remarks>
    internal sealed record ReasonLine(string Code, string? Subject, IReadOnlyList<ReasonTag>? Tags = null)
    {
        public static IReadOnlyList<ReasonLine> From(IEnumerable<Reason> reasons) =>
            [.. reasons.Select(r => new ReasonLine(r.Code, r.Subject, r.Tags.Count == 0 ? null : r.Tags))];
    }

    /// <summary>
    /// The faces held against the tags (SPEC §11): how many were detected, how many no tag accounts for
    /// (<c>unidentified-face</c>), and, when any is, the boxes of the faces no tag accounts for (normalised to the
    /// displayed image, 0..1). Nothing else about a face. Absent when the faces were not looked at.
    /// </summary>
    internal sealed record FaceLine(int Detected, int Unidentified, IReadOnlyList<FaceRegion>? Boxes = null)
    {
        public static FaceLine? From(FaceCheck? check) =>
            check is null ? null : new(check.Detected, check.Unidentified, check.Unaccounted.Count == 0 ? null : check.Unaccounted);
    }
}
