using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Subjects;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Decisions;

/// <summary>
/// The decision of SPEC §5 as a pure function of (tags, the school's register records, now, the faces detected,
/// options): same input, same decision. Time is an input; the clock is never read here.
/// </summary>
public sealed class DecisionRules(ConsentOptions options, FaceOptions faceOptions)
{
    public DecisionRules(ConsentOptions options)
        : this(options, new FaceOptions())
    {
    }

    private readonly SubjectResolver _resolver = new(options);
    private readonly IReadOnlyList<string> _allChannels = options.ChannelSet();

    private static readonly string[] ConsentReasons = [ReasonCode.NoConsent, ReasonCode.ConsentExpired, ReasonCode.ConsentWithdrawn];

    /// <summary>Decides one item.</summary>
    /// <param name="tags">What the tag reader found.</param>
    /// <param name="schoolRecords">The register records of the item's school.</param>
    /// <param name="now">The moment of the decision; days are counted in the configured time zone.</param>
    /// <param name="redactable">
    /// Whether a redacted derivative of this item can be made (an image whose format the redactor
    /// handles). Only then can the outcome be <see cref="Outcome.Redacted"/>.
    /// </param>
    /// <param name="faces">What the face detector found in the picture; null when it has not looked (yet).</param>
    /// <param name="detectable">
    /// Whether the face detector looks at images of this format. Then an image the tags would publish waits for
    /// <paramref name="faces"/> (<see cref="ScreeningDecision.AwaitsFaces"/>); otherwise it is decided by its tags alone.
    /// </param>
    public ScreeningDecision Decide(
        TagReadResult tags, IReadOnlyList<ConsentRecord> schoolRecords, DateTimeOffset now, bool redactable = false, FaceScan? faces = null, bool detectable = false) =>
        Decide(tags, _resolver.Resolve(tags, schoolRecords), schoolRecords, now, redactable, faces, detectable);

    public ScreeningDecision Decide(
        TagReadResult tags, SubjectResolution resolution, IReadOnlyList<ConsentRecord> schoolRecords, DateTimeOffset now, bool redactable = false, FaceScan? faces = null, bool detectable = false)
    {
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(resolution);
        ArgumentNullException.ThrowIfNull(schoolRecords);
        var byTags = ByTags(tags, resolution, schoolRecords, now, redactable);
        return tags.Kind == MediaKind.Image && schoolRecords.Count > 0 ? WithFaces(byTags, resolution, redactable, faces, detectable) : byTags;
    }

    /// <summary>
    /// SPEC §11: a face that no resolved subject's face region accounts for, beyond the subjects the tags name without
    /// a region, is an <c>unidentified-face</c>. Such a picture is never approved as it is: it is redacted with every
    /// face no region accounts for pixelated, when everything else allows and <see cref="FaceOptions.RedactUnidentified"/>
    /// is on, else quarantined. Only ever adds restrictions: a reason of the tags is never removed.
    /// </summary>
    private ScreeningDecision WithFaces(ScreeningDecision byTags, SubjectResolution resolution, bool redactable, FaceScan? faces, bool detectable)
    {
        if (faces is null)
        {
            // Not looked at yet: what the tags would publish waits for the pixels; what they quarantine stays so.
            return detectable && byTags.Outcome != Outcome.Quarantined
                ? byTags with { Outcome = Outcome.Quarantined, Channels = [], RedactedSubjects = [], Redactions = [], AwaitsFaces = true }
                : byTags;
        }

        if (faces.Failure is { } failure)
        {
            return byTags.Refused(failure);
        }

        var located = resolution.FaceRegions
            .Where(s => resolution.Subjects.Contains(s.Key, StringComparer.Ordinal))
            .ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        var account = FaceAccounting.Account(faces.Faces, located, resolution.Subjects.Count - located.Count);
        var check = new FaceCheck(faces.Faces.Count, account.Unidentified, account.AnyUnidentified ? account.Unmatched : []);
        if (!account.AnyUnidentified)
        {
            return byTags with { Faces = check };
        }

        var reasons = byTags.Reasons.Append(new Reason(ReasonCode.UnidentifiedFace)).Distinct().Order().ToList();
        if (byTags.Outcome != Outcome.Quarantined && redactable && faceOptions.RedactUnidentified)
        {
            return byTags with
            {
                Outcome = Outcome.Redacted,
                Reasons = reasons,
                Redactions = [.. byTags.Redactions, .. account.Unmatched],
                Faces = check,
            };
        }

        return byTags with { Outcome = Outcome.Quarantined, Channels = [], Reasons = reasons, RedactedSubjects = [], Redactions = [], Faces = check };
    }

    private ScreeningDecision ByTags(TagReadResult tags, SubjectResolution resolution, IReadOnlyList<ConsentRecord> schoolRecords, DateTimeOffset now, bool redactable)
    {
        var today = options.Today(now);
        var problems = tags.Problems.Select(p => new Reason(p.Code));
        if (schoolRecords.Count == 0)
        {
            // SPEC §5: a school without a record in the register is no school of the register (and a name that
            // is no path has no school at all). Nothing it names can be resolved, so no reason about a subject
            // is given: the school, or the name, is what to fix.
            var unresolved = new SortedSet<Reason>(problems);
            if (!unresolved.Any(r => r.Code == ReasonCode.InvalidPath))
            {
                unresolved.Add(new Reason(ReasonCode.UnknownSchool));
            }

            return new ScreeningDecision
            {
                Outcome = Outcome.Quarantined,
                Subjects = [],
                Channels = [],
                Reasons = [.. unresolved],
                DecidedAt = now,
                ConsentVersions = new Dictionary<string, long>(StringComparer.Ordinal),
            };
        }

        // SPEC §3.2: "untagged" says that the tags were read and name nobody. When they could not be read
        // (unreadable, too-large, unsupported-type), that is not known: the problem is the reason.
        var reasons = new SortedSet<Reason>(resolution.Reasons
            .Where(r => tags.Problems.Count == 0 || r.Code != ReasonCode.Untagged)
            .Concat(problems));

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
                    reasons.Add(new Reason(ReasonCode.ConsentWithdrawn, subject) { Tags = TagsOf(resolution, subject) });
                    break;
                case ConsentState.Expired:
                    reasons.Add(new Reason(ReasonCode.ConsentExpired, subject) { Tags = TagsOf(resolution, subject) });
                    break;
                case ConsentState.NotYetValid:
                case ConsentState.NothingGranted:
                default:
                    reasons.Add(new Reason(ReasonCode.NoConsent, subject) { Tags = TagsOf(resolution, subject) });
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
        if (!approved && redactable && Redaction(tags, resolution, reasons, records, today) is { } redaction)
        {
            return redaction with { DecidedAt = now, ConsentVersions = versions, Hints = resolution.Hints };
        }

        return new ScreeningDecision
        {
            Outcome = approved ? Outcome.Approved : Outcome.Quarantined,
            Subjects = resolution.Subjects,
            Channels = approved ? allowed : [],
            Reasons = [.. reasons],
            Hints = resolution.Hints,
            DecidedAt = now,
            ConsentVersions = versions,
        };
    }

    private static IReadOnlyList<ReasonTag> TagsOf(SubjectResolution resolution, string subject) =>
        resolution.SubjectTags.TryGetValue(subject, out var tags) ? tags : [];

    /// <summary>
    /// SPEC §6: when every blocking reason is a lack of consent of one specific subject, and each of those
    /// subjects is located only by face regions, the item can be published with those faces redacted,
    /// on the channels the remaining subjects allow. At least one remaining subject must consent: a
    /// derivative in which nobody is known to be shown is not published (absence of tags proves nothing).
    /// </summary>
    private ScreeningDecision? Redaction(
        TagReadResult tags, SubjectResolution resolution, SortedSet<Reason> reasons, Dictionary<string, ConsentRecord> records, DateOnly today)
    {
        if (tags.Kind != MediaKind.Image || tags.Problems.Count > 0)
        {
            return null;
        }

        var redacted = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var reason in reasons)
        {
            if (reason.Subject is not { } subject || !ConsentReasons.Contains(reason.Code) || !resolution.FaceRegions.ContainsKey(subject))
            {
                return null;
            }

            redacted.Add(subject);
        }

        var remaining = resolution.Subjects.Where(s => !redacted.Contains(s)).ToList();
        if (remaining.Count == 0)
        {
            return null;
        }

        IEnumerable<string> channels = _allChannels;
        foreach (var subject in remaining)
        {
            channels = channels.Intersect(records[subject].Channels, StringComparer.Ordinal);
        }

        var allowed = channels.Order(StringComparer.Ordinal).ToList();
        return allowed.Count == 0
            ? null
            : new ScreeningDecision
            {
                Outcome = Outcome.Redacted,
                Subjects = resolution.Subjects,
                Channels = allowed,
                Reasons = [.. reasons],
                DecidedAt = default,
                RedactedSubjects = [.. redacted],
                Redactions = [.. redacted.SelectMany(s => resolution.FaceRegions[s])],
            };
    }
}
