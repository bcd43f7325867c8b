using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Subjects;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Decisions;

/// <summary>
/// The decision of SPEC §5 as a pure function of (tags, the school's register records, now,
/// options): same input, same decision. Time is an input; the clock is never read here.
/// </summary>
public sealed class DecisionRules(ConsentOptions options)
{
    private readonly SubjectResolver _resolver = new(options);
    private readonly IReadOnlyList<string> _allChannels = options.ChannelSet();

    public ScreeningDecision Decide(TagReadResult tags, IReadOnlyList<ConsentRecord> schoolRecords, DateTimeOffset now) =>
        Decide(tags, _resolver.Resolve(tags, schoolRecords), schoolRecords, now);

    public ScreeningDecision Decide(TagReadResult tags, SubjectResolution resolution, IReadOnlyList<ConsentRecord> schoolRecords, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(resolution);
        ArgumentNullException.ThrowIfNull(schoolRecords);
        var today = options.Today(now);
        var reasons = new SortedSet<Reason>(resolution.Reasons);
        foreach (var problem in tags.Problems)
        {
            reasons.Add(new Reason(problem.Code));
        }

        var records = schoolRecords.ToDictionary(r => r.SubjectId, StringComparer.Ordinal);
        IEnumerable<string> channels = resolution.ShowsNobody || resolution.Subjects.Count > 0 ? _allChannels : [];
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var subject in resolution.Subjects)
        {
            var record = records[subject];
            versions[subject] = record.Version;
            switch (record.StateOn(today))
            {
                case ConsentState.Valid:
                    channels = channels.Intersect(record.Channels, StringComparer.Ordinal);
                    break;
                case ConsentState.Withdrawn:
                    reasons.Add(new Reason(ReasonCode.ConsentWithdrawn, subject));
                    break;
                case ConsentState.Expired:
                    reasons.Add(new Reason(ReasonCode.ConsentExpired, subject));
                    break;
                case ConsentState.NotYetValid:
                case ConsentState.NothingGranted:
                default:
                    reasons.Add(new Reason(ReasonCode.NoConsent, subject));
                    break;
            }
        }

        var allowed = channels.Order(StringComparer.Ordinal).ToList();
        if (reasons.Count == 0 && allowed.Count == 0)
        {
            // Every subject consents, but to no channel in common.
            reasons.Add(new Reason(ReasonCode.NoConsent));
        }

        var approved = reasons.Count == 0;
        return new ScreeningDecision
        {
            Outcome = approved ? Outcome.Approved : Outcome.Quarantined,
            Subjects = resolution.Subjects,
            Channels = approved ? allowed : [],
            Reasons = [.. reasons],
            DecidedAt = now,
            ConsentVersions = versions,
        };
    }
}
