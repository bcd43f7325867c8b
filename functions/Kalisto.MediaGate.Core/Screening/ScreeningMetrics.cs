using System.Diagnostics.Metrics;
using Kalisto.MediaGate.Decisions;

namespace Kalisto.MediaGate.Screening;

/// <summary>
/// Screening telemetry on the <c>Kalisto.MediaGate</c> meter: items per outcome, reasons per code, and
/// the screening duration. Tags carry outcome and reason codes only: never names, paths or subjects.
/// </summary>
public sealed class ScreeningMetrics
{
    public const string MeterName = "Kalisto.MediaGate";

    private readonly Counter<long> _items;
    private readonly Counter<long> _reasons;
    private readonly Histogram<double> _duration;

    public ScreeningMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _items = meter.CreateCounter<long>("mediagate.items.decided", "{item}", "Items decided, by outcome.");
        _reasons = meter.CreateCounter<long>("mediagate.items.reasons", "{reason}", "Reasons found in decisions, by reason code.");
        _duration = meter.CreateHistogram<double>("mediagate.screening.duration", "s", "Time to screen and move one item.");
    }

    /// <summary>Counts one decision: its outcome, each distinct reason code, and how long it took.</summary>
    public void Record(ScreeningDecision decision, string trigger, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var outcome = new KeyValuePair<string, object?>("outcome", OutcomeName(decision.Outcome));
        var source = new KeyValuePair<string, object?>("trigger", trigger);
        _items.Add(1, outcome, source);
        foreach (var code in decision.Reasons.Select(r => r.Code).Distinct(StringComparer.Ordinal))
        {
            _reasons.Add(1, new KeyValuePair<string, object?>("reason", code), source);
        }

        _duration.Record(elapsed.TotalSeconds, outcome, source);
    }

    /// <summary>The outcome as written in decisions, listings and telemetry.</summary>
    public static string OutcomeName(Outcome outcome) => outcome switch
    {
        Outcome.Approved => "approved",
        Outcome.Redacted => "redacted",
        _ => "quarantined",
    };
}
