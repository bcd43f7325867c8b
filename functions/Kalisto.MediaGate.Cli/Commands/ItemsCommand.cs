using System.CommandLine;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage.Tables;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary><c>mediagate items --storage CONN [--school S] [--json]</c>: every item and its current state.</summary>
internal static class ItemsCommand
{
    public static Command Create(CliConsole console)
    {
        var storage = StorageCommand.Option();
        var school = new Option<string?>("--school") { Description = "Only the items of this school." };
        var json = new Option<bool>("--json") { Description = "One JSON object per item instead of a table." };
        var command = new Command("items", "List screened items with their state (approved, quarantined, redacted), channels and reasons.") { storage, school, json };
        command.SetAction((parsed, ct) => RunAsync(parsed.GetRequiredValue(storage), parsed.GetValue(school), parsed.GetValue(json), console, ct));
        return command;
    }

    private static Task<int> RunAsync(string connection, string? school, bool json, CliConsole console, CancellationToken ct) =>
        StorageCommand.RunAsync("items", connection, snapshotRegister: false, console, ct, async session =>
        {
            // Sorted by path (ordinal), as every listing of the command line; the catalog's order is its keys'.
            var items = (await session.Get<ItemCatalog>().ListAsync((school is null ? null : ConsentFields.NormaliseSchool(school)), ct))
                .OrderBy(i => i.Location, StringComparer.Ordinal).ToList();
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
                    DemoCommand.OutcomeMarkup(line.State),
                    Markup.Escape(string.Join(", ", line.Channels)),
                    Markup.Escape(string.Join(", ", line.Reasons.Select(r => r.Subject is null ? r.Code : $"{r.Code} ({r.Subject})"))));
            }

            console.Ansi.Write(table);
            console.Ansi.MarkupLine($"{items.Count} item(s).");
            return MediaGateCommandLine.Ok;
        });
}

/// <summary>One line of <c>mediagate items --json</c>: subject IDs only, never names.</summary>
internal sealed record ItemLine(
    string Path,
    string School,
    string State,
    IReadOnlyList<string> Subjects,
    IReadOnlyList<string> Channels,
    IReadOnlyList<DecisionLine.ReasonLine> Reasons,
    IReadOnlyList<string>? RedactedSubjects,
    bool? RedactionPending,
    string DecidedAt)
{
    public static ItemLine From(ItemState item) => new(
        item.Location,
        item.School,
        item.StateName,
        item.Subjects,
        item.Channels,
        [.. item.Reasons.Select(r => new DecisionLine.ReasonLine(r.Code, r.Subject))],
        item.Outcome == Outcome.Redacted ? item.RedactedSubjects : null,
        item.RedactionPending ? true : null,
        DecisionLine.Timestamp(item.DecidedAt));
}
