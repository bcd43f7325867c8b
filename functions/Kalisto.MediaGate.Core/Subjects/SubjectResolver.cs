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

        var subjects = new SortedDictionary<string, List<ReasonTag>>(StringComparer.Ordinal);
        var reasons = new ReasonList();
        var hints = new List<Hint>();
        var regions = new Dictionary<string, List<FaceRegion>>(StringComparer.Ordinal);
        var namedOutsideRegions = new HashSet<string>(StringComparer.Ordinal);
        var subjectTagCount = 0;

        foreach (var person in tags.Persons)
        {
            subjectTagCount++;
            foreach (var outcome in ResolvePerson(person, byId, byName))
            {
                var tag = new ReasonTag(person.Source, outcome.Value);
                switch (outcome)
                {
                    case Resolved(var id, _):
                        Add(subjects, id, tag);
                        if (person.Region is { } region)
                        {
                            Regions(regions, id).Add(region);
                        }
                        else
                        {
                            namedOutsideRegions.Add(id);
                        }

                        break;
                    case UnknownId(var id, _):
                        reasons.Add(ReasonCode.UnknownSubject, id, tag);
                        break;
                    case Conflicting(_, var values):
                        reasons.Add(ReasonCode.ConflictingTags, null, [.. values.Select(v => new ReasonTag(person.Source, v))]);
                        break;
                    case Ambiguous:
                        reasons.Add(ReasonCode.AmbiguousPerson, null, tag);
                        break;
                    default:
                        reasons.Add(ReasonCode.UnresolvedPerson, null, tag);
                        break;
                }
            }
        }

        var idKeywords = new List<ReasonTag>();
        foreach (var keyword in tags.Keywords)
        {
            var id = NormaliseId(keyword.Value);
            if (!_idPattern.IsMatch(id))
            {
                // sportdag, 2026, groep8: not about a person (SPEC §3.2). A name here is ignored too, but
                // it is most likely a person tagged in the wrong field: say so.
                if (NameHint(keyword, byName) is { } hint && !hints.Contains(hint))
                {
                    hints.Add(hint);
                }

                continue;
            }

            subjectTagCount++;
            var tag = new ReasonTag(keyword.Source, keyword.Value);
            idKeywords.Add(tag);
            if (byId.TryGetValue(id, out var subject))
            {
                Add(subjects, subject, tag);
                namedOutsideRegions.Add(subject);
            }
            else
            {
                reasons.Add(ReasonCode.UnknownSubject, id, tag);
            }
        }

        if (tags.HasNoPeopleMarker && subjectTagCount > 0)
        {
            // The marker says nobody is shown; these tags say someone is.
            reasons.Add(ReasonCode.ConflictingTags, null, [.. tags.Persons.Select(p => new ReasonTag(p.Source, p.Value)), .. idKeywords]);
        }
        else if (!tags.HasNoPeopleMarker && subjectTagCount == 0 && tags.Problems.Count == 0)
        {
            // When the tags could not be read in full, "untagged" is not known: the problem is the reason.
            reasons.Add(ReasonCode.Untagged, null, []);
        }

        // A subject counts as located by faces only when every tag naming it is a face region.
        var located = regions
            .Where(r => !namedOutsideRegions.Contains(r.Key))
            .ToDictionary(r => r.Key, r => (IReadOnlyList<FaceRegion>)r.Value, StringComparer.Ordinal);

        return new SubjectResolution
        {
            Subjects = [.. subjects.Keys],
            Reasons = reasons.ToList(),
            ShowsNobody = tags.HasNoPeopleMarker && subjectTagCount == 0,
            FaceRegions = located,
            SubjectTags = subjects.ToDictionary(s => s.Key, s => (IReadOnlyList<ReasonTag>)s.Value, StringComparer.Ordinal),
            Hints = hints,
        };
    }

    /// <summary>
    /// A keyword that is the display name of a subject of the school, or that looks like a person's name
    /// (<see cref="LooksLikeName"/>), gets a hint: the decision ignores it, as SPEC §3.2 says of keywords.
    /// </summary>
    private static Hint? NameHint(KeywordTag keyword, Dictionary<string, List<string>> byName)
    {
        if (byName.TryGetValue(NormaliseName(keyword.Value), out var matches))
        {
            return new Hint(HintCode.NameInKeyword, keyword.Source, keyword.Value, matches.Count == 1 ? matches[0] : null);
        }

        return LooksLikeName(keyword.Value) ? new Hint(HintCode.NameInKeyword, keyword.Source, keyword.Value) : null;
    }

    /// <summary>
    /// Two or more words of letters (with <c>'</c>, <c>-</c> or <c>.</c>), the first and the last capitalised and
    /// the ones between capitalised or in lower case (<c>Emma de Vries</c>, <c>Noah Bakker</c>, <c>Jan-Willem van 't Hof</c>).
    /// Words in capitals only (<c>BBQ</c>) and numbers (<c>Groep 8</c>) do not count. A guess, for a hint only.
    /// </summary>
    public static bool LooksLikeName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var words = CollapseWhitespace(value).Split(' ');
        if (words.Length < 2 || words.Any(w => !w.All(c => char.IsLetter(c) || c is '\'' or '-' or '.' or '\u2019')))
        {
            return false;
        }

        static bool Capitalised(string word) =>
            word.FirstOrDefault(char.IsLetter) is var first && char.IsUpper(first) && word.Skip(1).Any(char.IsLower);
        return Capitalised(words[0]) && Capitalised(words[^1])
            && words[1..^1].All(w => Capitalised(w) || w.All(c => !char.IsUpper(c)));
    }

    private static void Add(SortedDictionary<string, List<ReasonTag>> subjects, string id, ReasonTag tag)
    {
        if (!subjects.TryGetValue(id, out var list))
        {
            list = [];
            subjects[id] = list;
        }

        if (!list.Contains(tag))
        {
            list.Add(tag);
        }
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
    /// an ID that is not in the register is reported even when a name resolves. Each outcome keeps the
    /// value as tagged that gave it.
    /// </summary>
    private List<PersonOutcome> ResolvePerson(PersonTag person, Dictionary<string, string> byId, Dictionary<string, List<string>> byName)
    {
        if (person.Value is null)
        {
            return [new Unresolved(null)]; // an unnamed face is an unidentified person
        }

        var outcomes = new[] { person.Value }.Concat(person.Alternatives ?? []).Select(v => ResolveValue(v, byId, byName)).ToList();
        var resolved = outcomes.OfType<Resolved>().DistinctBy(r => r.Id, StringComparer.Ordinal).ToList();
        var unknown = outcomes.OfType<UnknownId>().DistinctBy(u => u.Id, StringComparer.Ordinal);
        return resolved.Count switch
        {
            0 => [outcomes[0]],
            1 => [resolved[0], .. unknown],
            _ => [.. resolved, new Conflicting(person.Value, [.. resolved.Select(r => r.Value!)]), .. unknown],
        };
    }

    private PersonOutcome ResolveValue(string value, Dictionary<string, string> byId, Dictionary<string, List<string>> byName)
    {
        var id = NormaliseId(value);
        if (_idPattern.IsMatch(id))
        {
            return byId.TryGetValue(id, out var subject) ? new Resolved(subject, value) : new UnknownId(id, value);
        }

        if (byName.TryGetValue(NormaliseName(value), out var matches))
        {
            return matches.Count == 1 ? new Resolved(matches[0], value) : new Ambiguous(value);
        }

        return new Unresolved(value);
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

    /// <param name="Value">The value as tagged that gave the outcome; null for an unnamed face.</param>
    private abstract record PersonOutcome(string? Value);

    private sealed record Resolved(string Id, string? Value) : PersonOutcome(Value);

    private sealed record UnknownId(string Id, string? Value) : PersonOutcome(Value);

    private sealed record Ambiguous(string? Value) : PersonOutcome(Value);

    private sealed record Unresolved(string? Value) : PersonOutcome(Value);

    private sealed record Conflicting(string? Value, IReadOnlyList<string> Values) : PersonOutcome(Value);

    /// <summary>Reasons by identity (code and subject), each with every tag that gave it, in the order read.</summary>
    private sealed class ReasonList
    {
        private readonly Dictionary<Reason, List<ReasonTag>> _reasons = [];

        public void Add(string code, string? subject, ReasonTag tag) => Add(code, subject, [tag]);

        public void Add(string code, string? subject, IEnumerable<ReasonTag> tags)
        {
            var reason = new Reason(code, subject);
            if (!_reasons.TryGetValue(reason, out var list))
            {
                list = [];
                _reasons[reason] = list;
            }

            list.AddRange(tags.Where(t => !list.Contains(t)));
        }

        public List<Reason> ToList() => [.. _reasons.Select(r => r.Key with { Tags = r.Value }).Order()];
    }
}
