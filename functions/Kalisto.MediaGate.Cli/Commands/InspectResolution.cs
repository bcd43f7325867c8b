using System.Globalization;
using System.Text.Json.Serialization;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Imaging.Redaction;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Subjects;
using Kalisto.MediaGate.Tags;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// <c>inspect --consent CSV</c> / <c>--storage CONN</c>: how each tag of a file resolves in its school's register
/// (the subject ID, or why not) and the consent of that subject as of a day, with the decision the tags lead to.
/// Subject IDs and consent only: the register's display names are never shown.
/// </summary>
internal sealed class InspectResolution
{
    private readonly Dictionary<string, List<ConsentRecord>> _schools;
    private readonly string? _school;
    private readonly ConsentOptions _options;
    private readonly SubjectResolver _resolver;
    private readonly DecisionRules _rules;
    private readonly IImageRedactor _redactor = new ImageRedactor();
    private readonly HashSet<string> _markers;
    private readonly DateTimeOffset _now;

    /// <param name="records">The register: every school, or the one of <paramref name="school"/>.</param>
    /// <param name="school">The school given with <c>--school</c>; else each file's is found from its path.</param>
    /// <param name="options">The register's options (subject-ID pattern, channels, time zone).</param>
    /// <param name="now">The moment consent is checked at (<c>--now</c>, default now).</param>
    /// <param name="language">The language of the explanations.</param>
    public InspectResolution(IReadOnlyList<ConsentRecord> records, string? school, ConsentOptions options, DateTimeOffset now, CultureInfo language)
    {
        _schools = records.GroupBy(r => r.School, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        _school = school;
        _options = options;
        _resolver = new SubjectResolver(options);
        _rules = new DecisionRules(options);
        _markers = new HashSet<string>(new TagReaderOptions().NoPeopleKeywords.Select(m => m.Trim()), StringComparer.OrdinalIgnoreCase);
        _now = now;
        Today = options.Today(now);
        Language = language;
        Reader = new TagReader(Microsoft.Extensions.Options.Options.Create(new TagReaderOptions()), Microsoft.Extensions.Options.Options.Create(options));
    }

    /// <summary>The tag reader with the register's subject-ID pattern (for the safety net), as <c>screen</c> reads.</summary>
    public ITagReader Reader { get; }

    public DateOnly Today { get; }

    public CultureInfo Language { get; }

    /// <summary>
    /// The school of a file: <c>--school</c>; else the only school of the register; else the folder of the file's
    /// path nearest to it that is a school of the register (<c>…/uploads/de-wilg/sportdag/a.jpg</c>). Null when none is.
    /// </summary>
    public string? SchoolOf(string file)
    {
        if (_school is not null)
        {
            return _school;
        }

        if (_schools.Count == 1)
        {
            return _schools.Keys.Single();
        }

        var folders = Path.GetDirectoryName(Path.GetFullPath(file))?.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) ?? [];
        return folders.Reverse().Select(ConsentFields.NormaliseSchool).FirstOrDefault(_schools.ContainsKey);
    }

    /// <summary>
    /// How every tag of a file resolves in <paramref name="school"/>, and the decision of the whole; only the
    /// tags when the file has no school.
    /// </summary>
    public ResolvedInspectLine Resolve(InspectLine line, TagReadResult tags, string? school)
    {
        if (school is null)
        {
            return new ResolvedInspectLine(
                line.Path, line.Kind, line.Format,
                [.. line.Persons.Select(p => new ResolvedInspectLine.Person(p.Value, p.Source, p.Region, p.Alternatives, null))],
                [.. line.Keywords.Select(k => new ResolvedInspectLine.Keyword(k.Value, k.Source, null))],
                line.NoPeopleMarker, line.Problems, line.BytesRead, null, null);
        }

        var records = _schools.TryGetValue(school, out var found) ? found : [];
        var persons = line.Persons.Zip(tags.Persons, (shown, person) => new ResolvedInspectLine.Person(
            shown.Value, shown.Source, shown.Region, shown.Alternatives,
            ResolveOne(new TagReadResult { Kind = tags.Kind, Format = tags.Format, Persons = [person] }, records)));
        var keywords = line.Keywords.Zip(tags.Keywords, (shown, keyword) => new ResolvedInspectLine.Keyword(
            shown.Value, shown.Source,
            _markers.Contains(keyword.Value)
                ? new TagResolution([], [], [], NoPeopleMarker: true)
                : ResolveOne(new TagReadResult { Kind = tags.Kind, Format = tags.Format, Keywords = [keyword] }, records)));
        var redactable = _redactor.CanRedact(tags.Format);
        var decision = _rules.Decide(tags, records, _now, redactable);

        // inspect reads tags only: an image its tags would publish is published only once its faces were looked for
        // (SPEC §11), which screening does on the imaging worker. Say so instead of letting "approved" stand alone.
        var facesPending = _rules.Decide(tags, records, _now, redactable, faces: null, detectable: redactable).AwaitsFaces;
        return new ResolvedInspectLine(
            line.Path, line.Kind, line.Format, [.. persons], [.. keywords], line.NoPeopleMarker, line.Problems, line.BytesRead,
            school,
            new InspectDecision(
                Screening.ScreeningMetrics.OutcomeName(decision.Outcome),
                decision.Subjects,
                decision.Channels,
                DecisionLine.ReasonLine.From(decision.Reasons),
                decision.Hints.Count == 0 ? null : decision.Hints,
                Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                facesPending ? true : null));
    }

    private TagResolution ResolveOne(TagReadResult one, List<ConsentRecord> records)
    {
        var resolution = _resolver.Resolve(one, records);
        var reasons = resolution.Reasons.Where(r => r.Code != ReasonCode.Untagged).Select(r => r.Code).Distinct().ToList();
        var ignored = one.Keywords.Count > 0 && resolution.Subjects.Count == 0 && reasons.Count == 0;
        var consent = resolution.Subjects.Select(s => Consent(records.Single(r => r.SubjectId == s))).ToList();
        return new TagResolution(resolution.Subjects, reasons, consent, ignored ? true : null, null, resolution.Hints.FirstOrDefault()?.Code);
    }

    private SubjectConsent Consent(ConsentRecord record) => new(
        record.SubjectId,
        record.StateOn(Today) switch
        {
            ConsentState.Valid => "valid",
            ConsentState.Withdrawn => "withdrawn",
            ConsentState.Expired => "expired",
            ConsentState.NotYetValid => "not-yet-valid",
            _ => "nothing-granted",
        },
        record.StateOn(Today) == ConsentState.Valid ? record.Channels : [],
        Day(record.ValidFrom),
        Day(record.ValidUntil),
        record.WithdrawnOn is { } withdrawn ? Day(withdrawn) : null);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>What the "resolves to" column shows for a tag.</summary>
    /// <param name="resolution">How the tag resolves.</param>
    /// <param name="unnamed">The tag is a face region without a name.</param>
    public string ResolvesTo(TagResolution resolution, bool unnamed = false)
    {
        if (resolution.NoPeopleMarker == true)
        {
            return "no-people marker";
        }

        if (resolution.Subjects.Count > 0)
        {
            return string.Join(", ", resolution.Subjects.Concat(resolution.Reasons));
        }

        if (resolution.Reasons.Count > 0)
        {
            return string.Join(", ", resolution.Reasons.Select(r => r switch
            {
                ReasonCode.UnresolvedPerson => $"{r}: {ReasonTexts.Label(unnamed ? "unnamed" : "unresolved", Language)}",
                ReasonCode.AmbiguousPerson => $"{r}: {ReasonTexts.Label("ambiguous", Language)}",
                ReasonCode.UnknownSubject => $"{r}: {ReasonTexts.Label("unresolved", Language)}",
                _ => r,
            }));
        }

        var ignored = ReasonTexts.Label("ignored", Language);
        return resolution.Hint is { } hint ? $"{ignored}; {hint}" : ignored;
    }

    /// <summary>What the "consent" column shows for a tag: each subject's consent as of <see cref="Today"/>.</summary>
    public string ConsentOf(TagResolution resolution) => string.Join("; ", resolution.Consent.Select(c => c.State switch
    {
        "valid" => ReasonTexts.Label("valid", Language, c.ValidUntil, string.Join(", ", c.Channels)),
        "withdrawn" => ReasonTexts.Label("withdrawn", Language, c.WithdrawnOn!),
        "expired" => ReasonTexts.Label("expired", Language, c.ValidUntil),
        "not-yet-valid" => ReasonTexts.Label("notyetvalid", Language, c.ValidFrom),
        _ => ReasonTexts.Label("nothinggranted", Language),
    }));

    /// <summary>The school, the day, and the decision the tags lead to, with what each reason means.</summary>
    public void RenderDecision(IAnsiConsole ansi, InspectDecision decision, string school)
    {
        ansi.MarkupLine($"{Markup.Escape(ReasonTexts.Label("asof", Language, decision.AsOf))}, [bold]{Markup.Escape(school)}[/]: {DemoCommand.OutcomeMarkup(decision.Outcome)}"
            + (decision.Channels.Count > 0 ? $" ({Markup.Escape(string.Join(", ", decision.Channels))})" : string.Empty));
        if (decision.FacesPending == true)
        {
            ansi.MarkupLine($"  [blue]{Markup.Escape(ReasonTexts.Label("facespending", Language))}[/]");
        }

        foreach (var reason in decision.Reasons)
        {
            ansi.MarkupLine($"  [yellow]{Markup.Escape(Commands.Language.Describe(reason.Code, reason.Subject, reason.Tags, Language))}[/]");
        }

        foreach (var hint in decision.Hints ?? [])
        {
            ansi.MarkupLine($"  [blue]{Markup.Escape($"{hint.Code}: {ReasonTexts.Where(hint, Language)}")}[/]");
        }

        OfflineScreening.RenderExplanations(ansi, decision.Reasons.Select(r => r.Code).Concat((decision.Hints ?? []).Select(h => h.Code)), Language);
    }
}

/// <summary>
/// One line of <c>inspect --json</c> with a register: the tags as without one, each with how it resolves, and the
/// school and the decision (absent when the file's path names no school of the register). A type of its own,
/// so <see cref="InspectLine"/> and its generated serialization stay as they are for <c>inspect</c> without one.
/// </summary>
internal sealed record ResolvedInspectLine(
    string Path,
    string Kind,
    string Format,
    IReadOnlyList<ResolvedInspectLine.Person> Persons,
    IReadOnlyList<ResolvedInspectLine.Keyword> Keywords,
    bool NoPeopleMarker,
    IReadOnlyList<InspectLine.Problem> Problems,
    long BytesRead,
    string? School,
    InspectDecision? Decision)
{
    internal sealed record Person(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Value,
        string Source,
        FaceRegion? Region,
        IReadOnlyList<string>? Alternatives,
        TagResolution? Resolution);

    internal sealed record Keyword(string Value, string Source, TagResolution? Resolution);
}

/// <summary>How one tag resolves: the subjects it names, the reasons it gives, each subject's consent.</summary>
internal sealed record TagResolution(
    IReadOnlyList<string> Subjects,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<SubjectConsent> Consent,
    bool? Ignored = null,
    bool? NoPeopleMarker = null,
    string? Hint = null);

/// <summary>A subject's consent on the day inspected: its state, the channels it allows then, its dates.</summary>
internal sealed record SubjectConsent(string Subject, string State, IReadOnlyList<string> Channels, string ValidFrom, string ValidUntil, string? WithdrawnOn);

/// <summary>
/// The decision the tags of a file lead to in its school on the day inspected. <see cref="FacesPending"/> is true
/// for an image the tags would publish: screening looks for faces no tag accounts for first, inspect does not.
/// </summary>
internal sealed record InspectDecision(
    string Outcome,
    IReadOnlyList<string> Subjects,
    IReadOnlyList<string> Channels,
    IReadOnlyList<DecisionLine.ReasonLine> Reasons,
    IReadOnlyList<Hint>? Hints,
    string AsOf,
    bool? FacesPending = null);
