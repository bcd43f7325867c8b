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
    IReadOnlyList<string>? RedactedSubjects = null)
{
    public static DecisionLine From(string path, ScreeningResult result) => new(
        path,
        result.Path.School,
        ScreeningMetrics.OutcomeName(result.Decision.Outcome),
        result.Decision.Subjects,
        result.Decision.Channels,
        [.. result.Decision.Reasons.Select(r => new ReasonLine(r.Code, r.Subject))],
        Timestamp(result.Decision.DecidedAt),
        RedactedOrNull(result.Decision.Outcome, result.Decision.RedactedSubjects));

    /// <summary>The line for an item screened on storage: the same shape as offline.</summary>
    public static DecisionLine From(ItemState item) => new(
        item.UploadPath,
        item.School,
        item.StateName,
        item.Subjects,
        item.Channels,
        [.. item.Reasons.Select(r => new ReasonLine(r.Code, r.Subject))],
        Timestamp(item.DecidedAt),
        RedactedOrNull(item.Outcome, item.RedactedSubjects));

    public static string Timestamp(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static IReadOnlyList<string>? RedactedOrNull(Outcome outcome, IReadOnlyList<string> subjects) =>
        outcome == Decisions.Outcome.Redacted ? subjects : null;

    internal sealed record ReasonLine(string Code, string? Subject);
}
