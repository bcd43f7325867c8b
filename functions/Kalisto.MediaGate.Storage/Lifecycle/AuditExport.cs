using System.Globalization;
using Kalisto.MediaGate.Csv;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage.Tables;

namespace Kalisto.MediaGate.Storage.Lifecycle;

/// <summary>
/// The audit trail as CSV, for the privacy officer: one row per decision in a period, with the consent
/// record versions it used, and how many faces no tag accounted for (<c>unidentified_faces</c>, SPEC §11: empty when the
/// faces were not looked at). Subject IDs only, never names; a cell that a spreadsheet would run as a formula
/// is written as text (<see cref="CsvCells"/>).
/// </summary>
public sealed class AuditExport(ItemCatalog catalog)
{
    public static readonly IReadOnlyList<string> Header =
        ["decided_at", "school", "path", "trigger", "outcome", "subjects", "redacted_subjects", "channels", "reasons", "consent_versions", "unidentified_faces"];

    /// <summary>Writes the decisions made in [<paramref name="from"/>, <paramref name="to"/>), of one school or all; returns how many.</summary>
    public async Task<int> WriteAsync(TextWriter output, DateTimeOffset from, DateTimeOffset to, string? school, CancellationToken cancellationToken)
    {
        var decisions = (await catalog.DecisionsBetweenAsync(from, to, cancellationToken))
            .Where(d => school is null || d.School == school)
            .ToList();
        using var csv = CsvCells.CreateWriter(output);
        foreach (var name in Header)
        {
            csv.WriteField(name);
        }

        await csv.NextRecordAsync();
        foreach (var d in decisions)
        {
            csv.WriteField(d.Decision.DecidedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            csv.WriteField(d.School);
            csv.WriteField(d.Location);
            csv.WriteField(d.Trigger);
            csv.WriteField(ScreeningMetrics.OutcomeName(d.Decision.Outcome));
            csv.WriteField(string.Join(';', d.Decision.Subjects));
            csv.WriteField(string.Join(';', d.Decision.RedactedSubjects));
            csv.WriteField(string.Join(';', d.Decision.Channels));
            csv.WriteField(string.Join(';', d.Decision.Reasons.Select(r => r.Subject is null ? r.Code : $"{r.Code}:{r.Subject}")));
            csv.WriteField(string.Join(';', d.Decision.ConsentVersions.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}@{v.Value}")));
            csv.WriteField(d.Decision.Faces is { } faces ? faces.Unidentified.ToString(CultureInfo.InvariantCulture) : string.Empty);
            await csv.NextRecordAsync();
        }

        await csv.FlushAsync();
        return decisions.Count;
    }
}
