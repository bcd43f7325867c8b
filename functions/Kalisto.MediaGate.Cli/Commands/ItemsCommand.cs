using System.CommandLine;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage.Tables;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// <c>mediagate items --storage CONN [--school S] [--state STATE] [--channel C] [--path PREFIX] [--json] [--lang nl|en]</c>:
/// every item (or those of the filters) and its current state.
/// </summary>
internal static class ItemsCommand
{
    public static Command Create(CliConsole console)
    {
        var storage = StorageCommand.Option();
        var school = ItemFilter.SchoolOption("Only the items of this school.");
        var state = ItemFilter.StateOption();
        var channel = ItemFilter.ChannelOption("Only the items allowed on this channel.");
        var path = ItemFilter.PathOption();
        var json = new Option<bool>("--json") { Description = "One JSON object per item instead of a table." };
        var lang = Language.Option();
        var command = new Command("items", "List screened items with their state (approved, quarantined, redacted), channels and reasons.") { storage, school, state, channel, path, json, lang };
        command.SetAction((parsed, ct) => RunAsync(
            parsed.GetRequiredValue(storage),
            ItemFilter.From(parsed.GetValue(school), parsed.GetValue(state), parsed.GetValue(channel), parsed.GetValue(path)),
            parsed.GetValue(json),
            Language.Of(parsed.GetValue(lang)),
            console,
            ct));
        return command;
    }

    private static Task<int> RunAsync(string connection, ItemFilter filter, bool json, System.Globalization.CultureInfo language, CliConsole console, CancellationToken ct) =>
        StorageCommand.RunAsync("items", connection, snapshotRegister: false, console, ct, async session =>
        {
            // Sorted by path (ordinal), as every listing of the command line; the catalog's order is its keys'.
            if (await filter.ListAsync("items", session, console, ct) is not { } listed)
            {
                return MediaGateCommandLine.UsageError;
            }

            var items = listed.OrderBy(i => i.Location, StringComparer.Ordinal).ToList();
            if (json)
            {
                foreach (var item in items)
                {
                    console.Out.WriteLine(CliJson.Line(ItemLine.From(item)));
                }

                return MediaGateCommandLine.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("path", "state", "channels", "reasons");
            foreach (var item in items)
            {
                var line = ItemLine.From(item);
                table.AddRow(
                    Markup.Escape(line.Path),
                    Language.StateMarkup(line.State, line.AwaitsFaces is true, language),
                    Markup.Escape(string.Join(", ", line.Channels)),
                    Markup.Escape(string.Join(Environment.NewLine, line.Reasons.Select(r => Language.Describe(r.Code, r.Subject, r.Tags, language, line.Faces?.Unidentified)))));
            }

            console.Ansi.Write(table);
            console.Ansi.MarkupLine($"{items.Count} item(s).");
            OfflineScreening.RenderExplanations(console.Ansi, items.SelectMany(i => i.Reasons.Select(r => r.Code)), language);
            return MediaGateCommandLine.Ok;
        });
}

/// <summary>One line of <c>mediagate items --json</c>: subject IDs, and the values as tagged in the file; never a name from the register.</summary>
internal sealed record ItemLine(
    string Path,
    string School,
    string State,
    IReadOnlyList<string> Subjects,
    IReadOnlyList<string> Channels,
    IReadOnlyList<DecisionLine.ReasonLine> Reasons,
    IReadOnlyList<string>? RedactedSubjects,
    bool? RedactionPending,
    string DecidedAt,
    DecisionLine.FaceLine? Faces = null,
    bool? AwaitsFaces = null)
{
    public static ItemLine From(ItemState item) => new(
        item.Location,
        item.School,
        item.StateName,
        item.Subjects,
        item.Channels,
        DecisionLine.ReasonLine.From(item.Reasons),
        item.Outcome == Outcome.Redacted ? item.RedactedSubjects : null,
        item.RedactionPending ? true : null,
        DecisionLine.Timestamp(item.DecidedAt),
        DecisionLine.FaceLine.From(item.FaceCheck),
        item.AwaitsFaces ? true : null);
}
