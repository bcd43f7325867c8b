using System.Globalization;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage.Tables;

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
    IReadOnlyList<Hint>? Hints = null)
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
        result.Decision.Hints.Count == 0 ? null : result.Decision.Hints);

    /// <summary>The line for an item screened on storage: the same shape as offline.</summary>
    public static DecisionLine From(ItemState item) => new(
        item.UploadPath,
        item.School,
        item.StateName,
        item.Subjects,
        item.Channels,
        ReasonLine.From(item.Reasons),
        Timestamp(item.DecidedAt),
        RedactedOrNull(item.Outcome, item.RedactedSubjects));

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
}
