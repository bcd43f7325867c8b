using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Subjects;

/// <summary>
/// Resolves an item's tags to subjects of its school (SPEC §3.2): person values by ID or by display
/// name, keyword values only when they are IDs.
/// </summary>
public sealed class SubjectResolver(ConsentOptions options)
{
    private readonly Regex _idPattern = options.SubjectIdRegex();

    public SubjectResolution Resolve(TagReadResult tags, IReadOnlyList<ConsentRecord> schoolRecords)
    {
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(schoolRecords);
        var byId = schoolRecords.ToDictionary(r => NormaliseId(r.SubjectId), r => r.SubjectId, StringComparer.Ordinal);
        var byName = schoolRecords.GroupBy(r => NormaliseName(r.DisplayName), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r.SubjectId).Distinct().ToList(), StringComparer.Ordinal);

        var subjects = new SortedSet<string>(StringComparer.Ordinal);
        var reasons = new SortedSet<Reason>();
        var regions = new Dictionary<string, List<FaceRegion>>(StringComparer.Ordinal);
        var namedOutsideRegions = new HashSet<string>(StringComparer.Ordinal);
        var subjectTagCount = 0;

        foreach (var person in tags.Persons)
        {
            subjectTagCount++;
            foreach (var outcome in ResolvePerson(person, byId, byName))
            {
                switch (outcome)
                {
                    case Resolved(var id):
                        subjects.Add(id);
                        if (person.Region is { } region)
                        {
                            Regions(regions, id).Add(region);
                        }
                        else
                        {
                            namedOutsideRegions.Add(id);
                        }

                        break;
                    case UnknownId(var id):
                        reasons.Add(new Reason(ReasonCode.UnknownSubject, id));
                        break;
                    case Conflicting:
                        reasons.Add(new Reason(ReasonCode.ConflictingTags));
                        break;
                    case Ambiguous:
                        reasons.Add(new Reason(ReasonCode.AmbiguousPerson));
                        break;
                    default:
                        reasons.Add(new Reason(ReasonCode.UnresolvedPerson));
                        break;
                }
            }
        }

        foreach (var keyword in tags.Keywords)
        {
            var id = NormaliseId(keyword.Value);
            if (!_idPattern.IsMatch(id))
            {
                continue; // sportdag, 2026, groep8: not about a person
            }

            subjectTagCount++;
            if (byId.TryGetValue(id, out var subject))
            {
                subjects.Add(subject);
                namedOutsideRegions.Add(subject);
            }
            else
            {
                reasons.Add(new Reason(ReasonCode.UnknownSubject, id));
            }
        }

        if (tags.HasNoPeopleMarker && subjectTagCount > 0)
        {
            reasons.Add(new Reason(ReasonCode.ConflictingTags));
        }
        else if (!tags.HasNoPeopleMarker && subjectTagCount == 0 && tags.Problems.Count == 0)
        {
            // When the tags could not be read in full, "untagged" is not known: the problem is the reason.
            reasons.Add(new Reason(ReasonCode.Untagged));
        }

        // A subject counts as located by faces only when every tag naming it is a face region.
        var located = regions
            .Where(r => !namedOutsideRegions.Contains(r.Key))
            .ToDictionary(r => r.Key, r => (IReadOnlyList<FaceRegion>)r.Value, StringComparer.Ordinal);

        return new SubjectResolution
        {
            Subjects = [.. subjects],
            Reasons = [.. reasons],
            ShowsNobody = tags.HasNoPeopleMarker && subjectTagCount == 0,
            FaceRegions = located,
        };
    }

    private static List<FaceRegion> Regions(Dictionary<string, List<FaceRegion>> regions, string id)
    {
        if (!regions.TryGetValue(id, out var list))
        {
            list = [];
            regions[id] = list;
        }

        return list;
    }

    /// <summary>
    /// Every value of one person entry (a PersonInImageWDetails entry's PersonId and PersonName): an
    /// entry whose values resolve to two subjects is <c>conflicting-tags</c> (both subjects are checked);
    /// an ID that is not in the register is reported even when a name resolves.
    /// </summary>
    private List<PersonOutcome> ResolvePerson(PersonTag person, Dictionary<string, string> byId, Dictionary<string, List<string>> byName)
    {
        if (person.Value is null)
        {
            return [new Unresolved()]; // an unnamed face is an unidentified person
        }

        var outcomes = new[] { person.Value }.Concat(person.Alternatives ?? []).Select(v => ResolveValue(v, byId, byName)).ToList();
        var resolved = outcomes.OfType<Resolved>().Select(r => r.Id).Distinct(StringComparer.Ordinal).ToList();
        var unknown = outcomes.OfType<UnknownId>().Distinct();
        return resolved.Count switch
        {
            0 => [outcomes[0]],
            1 => [new Resolved(resolved[0]), .. unknown],
            _ => [.. resolved.Select(id => new Resolved(id)), new Conflicting(), .. unknown],
        };
    }

    private PersonOutcome ResolveValue(string value, Dictionary<string, string> byId, Dictionary<string, List<string>> byName)
    {
        var id = NormaliseId(value);
        if (_idPattern.IsMatch(id))
        {
            return byId.TryGetValue(id, out var subject) ? new Resolved(subject) : new UnknownId(id);
        }

        if (byName.TryGetValue(NormaliseName(value), out var matches))
        {
            return matches.Count == 1 ? new Resolved(matches[0]) : new Ambiguous();
        }

        return new Unresolved();
    }

    /// <summary>IDs are compared trimmed and upper-cased.</summary>
    public static string NormaliseId(string value) => value.Trim().ToUpperInvariant();

    /// <summary>Names: Unicode-normalised (NFKC), case-insensitive, whitespace collapsed.</summary>
    public static string NormaliseName(string value) =>
        CollapseWhitespace(value.Normalize(NormalizationForm.FormKC).ToUpperInvariant());

    /// <summary>Trimmed, with every run of white space (including no-break spaces) made one space.</summary>
    public static string CollapseWhitespace(string value)
    {
        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.SpaceSeparator)
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private abstract record PersonOutcome;

    private sealed record Resolved(string Id) : PersonOutcome;

    private sealed record UnknownId(string Id) : PersonOutcome;

    private sealed record Ambiguous : PersonOutcome;

    private sealed record Unresolved : PersonOutcome;

    private sealed record Conflicting : PersonOutcome;
}
