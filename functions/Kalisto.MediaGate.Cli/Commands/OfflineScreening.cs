using System.Globalization;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Tags;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// Screens a folder against a register into an output folder: <c>approved/</c>, <c>quarantine/</c>
/// and <c>decisions.jsonl</c>. The input is only read. An image the tags would publish is decided with its faces
/// (SPEC §11): the face detector looks at it in this process, as the imaging worker does on storage, and faces no
/// tag accounts for are pixelated in the redacted copy, or quarantine it (<c>unidentified-face</c>).
/// </summary>
internal sealed class OfflineScreening(IConsentRegister register, OfflineServices services, CliConsole console)
{
    private readonly IMetadataStripper _stripper = services.Get<IMetadataStripper>();
    private readonly IPublicationCheck _check = services.Get<IPublicationCheck>();

    // The register does not change during a run: one search per school.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<IdentifierSearch>>> _searches = new(StringComparer.Ordinal);
    private readonly IImageRedactor _redactor = services.Get<IImageRedactor>();
    private readonly IFaceDetector _faces = services.Get<IFaceDetector>();
    private readonly DecisionRules _rules = services.Get<DecisionRules>();

    public const string DecisionsFile = "decisions.jsonl";

    /// <summary>What the last <see cref="RunAsync"/> left out of the input folder (system files, FIFOs, links).</summary>
    public SkippedFiles Skipped { get; private set; } = new();

    /// <exception cref="ScreeningStoppedException">Cancelled; the output is then incomplete.</exception>
    /// <exception cref="Imaging.Faces.FaceModelMissingException">
    /// The face detector cannot run (its model is missing): never "no faces"; the output is then incomplete.
    /// </exception>
    public async Task<IReadOnlyList<DecisionLine>> RunAsync(string input, string output, DateTimeOffset now, bool json, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(input);
        var listing = InputFiles.List([root]);
        var files = listing.Files;
        Skipped = listing.Skipped;
        // The safety net looks for the register's own subject-ID pattern (the configured one).
        var screener = new ItemScreener(services.Get<ITagReader>(), register, _rules, _redactor);
        var sorted = await ScreeningRun.RunAsync(files, Environment.ProcessorCount, json, "Screening", console, async (file, ct) =>
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            ScreeningResult result;
            await using (var stream = InputFiles.OpenForTags(file))
            {
                result = await screener.ScreenAsync(relative, stream, now, ct);
            }

            result = await WithFacesAsync(file, result, now, ct);

            var decision = await PublishAsync(file, Path.Combine(output, "approved", relative), Path.Combine(output, "quarantine", relative), result, ct);
            return DecisionLine.From(relative, result with { Decision = decision });
        }, cancellationToken);

        // Every item is decided and copied: the record of it is written whole, also after a late Ctrl+C.
        await File.WriteAllLinesAsync(Path.Combine(output, DecisionsFile), sorted.Select(CliJson.Line), CancellationToken.None);
        return sorted;
    }

    /// <summary>
    /// Decides an image that the tags would publish again with the faces the detector finds in it (SPEC §11), as
    /// <c>FaceScanning</c> does on storage; anything else (quarantined by its tags, a video, audio) stays as it was
    /// decided, and is not looked at. The register does not change during a run, so the second decision differs from
    /// the first only by the faces.
    /// </summary>
    private async Task<ScreeningResult> WithFacesAsync(string file, ScreeningResult result, DateTimeOffset now, CancellationToken ct)
    {
        if (result.Path.Problem is not null || result.Decision.Outcome == Outcome.Quarantined || !_faces.CanDetect(result.Tags.Format))
        {
            return result;
        }

        var records = await register.GetSchoolAsync(result.Path.School, ct);
        var redactable = _redactor.CanRedact(result.Tags.Format);
        if (!_rules.Decide(result.Tags, records, now, redactable, faces: null, detectable: true).AwaitsFaces)
        {
            return result;
        }

        FaceScan scan;
        await using (var pixels = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous))
        {
            scan = await _faces.DetectAsync(pixels, result.Tags.Format, ct);
        }

        return result with { Decision = _rules.Decide(result.Tags, records, now, redactable, scan, detectable: true) };
    }

    /// <summary>
    /// Writes the item's copies: an approved item's copy without identifiers; for a redacted item the
    /// original to quarantine and the redacted derivative to approved; otherwise the original to
    /// quarantine. A copy that cannot be made safely turns the decision into a quarantine with its reason.
    /// Copies are written under a temporary name and renamed when complete, so no half copy is published.
    /// </summary>
    private async Task<ScreeningDecision> PublishAsync(string file, string approved, string quarantine, ScreeningResult result, CancellationToken ct)
    {
        var decision = result.Decision;
        if (decision.Outcome != Outcome.Approved)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(quarantine)!);
            File.Copy(file, quarantine, overwrite: false);
        }

        if (decision.Outcome == Outcome.Quarantined)
        {
            return decision;
        }

        var identifiers = await _searches.GetOrAdd(
            result.Path.School,
            school => new Lazy<Task<IdentifierSearch>>(async () => IdentifierSearch.For(await register.GetSchoolAsync(school, CancellationToken.None)))).Value;
        var published = await WriteAsync(approved, (source, destination) => decision.Outcome == Outcome.Approved
            ? _stripper.StripAsync(source, result.Tags.Format, destination, ct)
            : _redactor.RedactAsync(source, result.Tags.Format, decision.Redactions, destination, ct), file,
            copy => _check.Check(copy, result.Tags.Format, identifiers, ct));
        if (published.Succeeded)
        {
            return decision;
        }

        if (decision.Outcome == Outcome.Approved)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(quarantine)!);
            File.Copy(file, quarantine, overwrite: false);
        }

        return decision.Refused(published.ReasonCode!);
    }

    /// <summary>Writes a copy for <c>approved</c>, which the last check (SPEC §8) must pass before it gets its name.</summary>
    private static async Task<PublishResult> WriteAsync(string destination, Func<Stream, Stream, Task<PublishResult>> write, string file, Func<Stream, PublishResult> lastCheck)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var partial = destination + ".partial";
        PublishResult result;
        await using (var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous))
        await using (var target = new FileStream(partial, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
        {
            result = await write(source, target);
            if (result.Succeeded)
            {
                await target.FlushAsync();
                result = lastCheck(target);
            }
        }

        if (result.Succeeded)
        {
            File.Move(partial, destination, overwrite: false);
        }
        else
        {
            File.Delete(partial);
        }

        return result;
    }

    /// <summary>Items shown by name in the summary's "what to fix" and hints tables; the rest are in the decisions file.</summary>
    public const int ItemsShown = 50;

    /// <summary>The summary: items per outcome and per reason, what to fix per item, hints, and the files skipped.</summary>
    public static void RenderSummary(IAnsiConsole ansi, IReadOnlyList<DecisionLine> decisions, string output, CultureInfo? language = null, SkippedFiles? skipped = null)
    {
        var lang = language ?? Language.Of(null);
        RenderTables(ansi, decisions, lang, Path.Combine(output, DecisionsFile));
        if (skipped?.Describe("not screened, not copied") is { } note)
        {
            ansi.MarkupLine($"[grey]{Markup.Escape(char.ToUpperInvariant(note[0]) + note[1..])}.[/]");
        }

        ansi.MarkupLine($"Decisions: [blue]{Markup.Escape(Path.Combine(output, DecisionsFile))}[/]");
        ansi.MarkupLine($"Publishable copies: [green]{Markup.Escape(Path.Combine(output, "approved"))}[/]   Quarantine: [yellow]{Markup.Escape(Path.Combine(output, "quarantine"))}[/]");
    }

    /// <summary>
    /// Items per outcome; items per reason with what each reason means and what to do; for each quarantined
    /// item the reasons with the tags that gave them; hints (names typed as keywords), in <paramref name="language"/>.
    /// </summary>
    public static void RenderTables(IAnsiConsole ansi, IReadOnlyList<DecisionLine> decisions, CultureInfo language, string rest)
    {
        var outcomes = new Table().Border(TableBorder.Rounded).Title(ReasonTexts.Label("outcome", language)).AddColumn(ReasonTexts.Label("outcome", language).ToLower(language)).AddColumn(new TableColumn(ReasonTexts.Label("items", language)).RightAligned());
        foreach (var group in decisions.GroupBy(d => d.Outcome).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            outcomes.AddRow(group.Key, group.Count().ToString(CultureInfo.InvariantCulture));
        }

        outcomes.AddRow($"[bold]{Markup.Escape(ReasonTexts.Label("total", language))}[/]", $"[bold]{decisions.Count}[/]");
        ansi.Write(outcomes);
        var reasons = new Table().Border(TableBorder.Rounded).Title(ReasonTexts.Label("reasons", language))
            .AddColumn(ReasonTexts.Label("reason", language)).AddColumn(new TableColumn(ReasonTexts.Label("items", language)).RightAligned()).AddColumn(ReasonTexts.Label("meaning", language));
        var byCode = decisions.SelectMany(d => d.Reasons.Select(r => r.Code).Distinct().Select(code => (code, d.Path)))
            .GroupBy(x => x.code).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        foreach (var group in byCode)
        {
            reasons.AddRow(Markup.Escape(group.Key), group.Count().ToString(CultureInfo.InvariantCulture), Markup.Escape(ReasonTexts.Explanation(group.Key, language)));
        }

        if (byCode.Count > 0)
        {
            ansi.Write(reasons);
        }

        var toFix = decisions.Where(d => d.Reasons.Count > 0).ToList();
        if (toFix.Count > 0)
        {
            var fix = new Table().Border(TableBorder.Rounded).Title(ReasonTexts.Label("fix", language)).AddColumns(ReasonTexts.Label("item", language), ReasonTexts.Label("reason", language));
            foreach (var d in toFix.Take(ItemsShown))
            {
                fix.AddRow(Markup.Escape(d.Path), Markup.Escape(string.Join(Environment.NewLine, d.Reasons.Select(r => Language.Describe(r.Code, r.Subject, r.Tags, language, d.Faces?.Unidentified)))));
            }

            ansi.Write(fix);
            More(ansi, toFix.Count, rest, language);
        }

        var hinted = decisions.Where(d => d.Hints is { Count: > 0 }).ToList();
        if (hinted.Count > 0)
        {
            var hints = new Table().Border(TableBorder.Rounded).Title(ReasonTexts.Label("hints", language)).AddColumns(ReasonTexts.Label("item", language), ReasonTexts.Label("hint", language));
            foreach (var d in hinted.Take(ItemsShown))
            {
                hints.AddRow(Markup.Escape(d.Path), Markup.Escape(string.Join(Environment.NewLine, d.Hints!.Select(h => $"{h.Code}: {ReasonTexts.Where(h, language)}"))));
            }

            ansi.Write(hints);
            More(ansi, hinted.Count, rest, language);
            RenderExplanations(ansi, hinted.SelectMany(d => d.Hints!.Select(h => h.Code)), language);
        }
    }

    /// <summary>What each of <paramref name="codes"/> means and what to do, once per code.</summary>
    public static void RenderExplanations(IAnsiConsole ansi, IEnumerable<string> codes, CultureInfo language)
    {
        foreach (var code in codes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            ansi.MarkupLine($"[bold]{Markup.Escape(code)}[/]: {Markup.Escape(ReasonTexts.Explanation(code, language))}");
        }
    }

    private static void More(IAnsiConsole ansi, int count, string rest, CultureInfo language)
    {
        if (count > ItemsShown)
        {
            ansi.MarkupLine(Markup.Escape(ReasonTexts.Label("more", language, count - ItemsShown, rest)));
        }
    }
}
