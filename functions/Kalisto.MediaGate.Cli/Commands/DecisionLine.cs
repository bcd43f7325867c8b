using System.Globalization;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Screening;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>One line of <c>decisions.jsonl</c> and of <c>screen --json</c>.</summary>
internal sealed record DecisionLine(
    string Path,
    string School,
    string Outcome,
    IReadOnlyList<string> Subjects,
    IReadOnlyList<string> Channels,
    IReadOnlyList<DecisionLine.ReasonLine> Reasons,
    string DecidedAt)
{
    public static DecisionLine From(string path, ScreeningResult result) => new(
        path,
        result.Path.School,
        OutcomeName(result.Decision.Outcome),
        result.Decision.Subjects,
        result.Decision.Channels,
        [.. result.Decision.Reasons.Select(r => new ReasonLine(r.Code, r.Subject))],
        result.Decision.DecidedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    public static string OutcomeName(Outcome outcome) => outcome switch
    {
        Decisions.Outcome.Approved => "approved",
        Decisions.Outcome.Redacted => "redacted",
        _ => "quarantined",
    };

    internal sealed record ReasonLine(string Code, string? Subject);
}
