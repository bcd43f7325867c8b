using System.Collections.Concurrent;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Tags;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// Screens a folder against a register into an output folder: <c>approved/</c>, <c>quarantine/</c>
/// and <c>decisions.jsonl</c>. The input is only read.
/// </summary>
internal sealed class OfflineScreening(IConsentRegister register, ConsentOptions consentOptions, CliConsole console)
{
    public const string DecisionsFile = "decisions.jsonl";

    public async Task<IReadOnlyList<DecisionLine>> RunAsync(string input, string output, DateTimeOffset now, bool json, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(input);
        var files = InputFiles.Expand([root]);
        var screener = new ItemScreener(new TagReader(), register, new DecisionRules(consentOptions), new PendingRedactor());
        var results = new ConcurrentBag<DecisionLine>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        var printGate = new Lock();

        async Task ScreenAll(Action advance)
        {
            await Parallel.ForEachAsync(files, parallel, async (file, ct) =>
            {
                var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                ScreeningResult result;
                await using (var stream = InputFiles.OpenForTags(file))
                {
                    result = await screener.ScreenAsync(relative, stream, now, ct);
                }

                var folder = result.Decision.Outcome == Outcome.Approved ? "approved" : "quarantine";
                var destination = Path.Combine(output, folder, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(file, destination, overwrite: false);

                var line = DecisionLine.From(relative, result);
                results.Add(line);
                if (json)
                {
                    var text = CliJson.Line(line);
                    lock (printGate)
                    {
                        console.Out.WriteLine(text);
                    }
                }

                advance();
            });
        }

        if (!json && console.Ansi.Profile.Capabilities.Interactive)
        {
            await console.Ansi.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("Screening", maxValue: Math.Max(1, files.Count));
                    await ScreenAll(() => task.Increment(1));
                });
        }
        else
        {
            await ScreenAll(() => { });
        }

        var sorted = results.OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
        await File.WriteAllLinesAsync(Path.Combine(output, DecisionsFile), sorted.Select(CliJson.Line), cancellationToken);
        return sorted;
    }

    /// <summary>The summary table: items per outcome, and items per reason.</summary>
    public static void RenderSummary(IAnsiConsole ansi, IReadOnlyList<DecisionLine> decisions, string output)
    {
        var outcomes = new Table().Border(TableBorder.Rounded).Title("Outcome").AddColumn("outcome").AddColumn(new TableColumn("items").RightAligned());
        foreach (var group in decisions.GroupBy(d => d.Outcome).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            outcomes.AddRow(group.Key, group.Count().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        outcomes.AddRow("[bold]total[/]", $"[bold]{decisions.Count}[/]");
        var reasons = new Table().Border(TableBorder.Rounded).Title("Why items were quarantined").AddColumn("reason").AddColumn(new TableColumn("items").RightAligned());
        foreach (var group in decisions.SelectMany(d => d.Reasons.Select(r => r.Code).Distinct().Select(code => (code, d.Path)))
                     .GroupBy(x => x.code).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            reasons.AddRow(group.Key, group.Count().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        ansi.Write(new Columns(outcomes, reasons).Collapse());
        ansi.MarkupLine($"Decisions: [blue]{Markup.Escape(Path.Combine(output, DecisionsFile))}[/]");
        ansi.MarkupLine($"Publishable copies: [green]{Markup.Escape(Path.Combine(output, "approved"))}[/]   Quarantine: [yellow]{Markup.Escape(Path.Combine(output, "quarantine"))}[/]");
    }
}

// Replaced by the Imaging redactor when it is wired in.
internal sealed class PendingRedactor : Kalisto.MediaGate.Publishing.IImageRedactor
{
    public bool CanRedact(MediaFormat format) => false;

    public Task<Kalisto.MediaGate.Publishing.PublishResult> RedactAsync(Stream source, MediaFormat format, IReadOnlyList<FaceRegion> regions, Stream destination, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
