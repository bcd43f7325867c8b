using System.CommandLine;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Web.Api;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// <c>mediagate status --storage CONN [--school S] [--json]</c>: how MediaGate stands on a storage account: items
/// per state and school, the depths of the queues and their poison queues (a queue that does not exist counts
/// 0), uploads still waiting, re-screens owed in the outbox, and the last daily run. Counts only: no names.
/// </summary>
internal static class StatusCommand
{
    /// <summary>Where the Functions host puts blob-trigger messages it gave up on.</summary>
    public const string BlobTriggerPoisonQueue = "webjobs-blobtrigger-poison";

    public static Command Create(CliConsole console)
    {
        var storage = StorageCommand.Option();
        var school = ItemFilter.SchoolOption("Only this school's items, uploads and owed re-screens (the queues are shared).");
        var json = new Option<bool>("--json") { Description = "One JSON object instead of tables." };
        var command = new Command("status", "Show items per state, queue depths, waiting uploads, owed re-screens and the last daily run.") { storage, school, json };
        command.SetAction((parsed, ct) => RunAsync(
            parsed.GetRequiredValue(storage), parsed.GetValue(school) is { } code ? ConsentFields.NormaliseSchool(code) : null, parsed.GetValue(json), console, ct));
        return command;
    }

    private static Task<int> RunAsync(string connection, string? school, bool json, CliConsole console, CancellationToken ct) =>
        StorageCommand.RunAsync("status", connection, snapshotRegister: false, console, ct, async session =>
        {
            var items = await session.Get<ItemCatalog>().ListAsync(school, ct);
            if (school is not null && items.Count == 0 && !await ItemFilter.IsKnownSchoolAsync("status", school, session, console, ct))
            {
                return MediaGateCommandLine.UsageError;
            }

            var storage = session.Get<MediaStorage>();
            var status = new StatusLine(
                [.. items.GroupBy(i => (i.School, i.StateName))
                    .Select(g => new StatusLine.StateCount(g.Key.School, g.Key.StateName, g.Count()))
                    .OrderBy(c => c.School, StringComparer.Ordinal).ThenBy(c => c.State, StringComparer.Ordinal)],
                await QueuesAsync(session, storage, ct),
                await UploadsAsync(storage, school, ct),
                (await session.Get<RescreenOutbox>().PendingAsync(TimeSpan.Zero, ct)).Count(r => school is null || r.School == school),
                await session.Get<ConsentExpiry>().LastRunAsync(ct) is { } last
                    ? new StatusLine.DailyRun(ConsentFields.Format(last.Day), last.At is { } at ? DecisionLine.Timestamp(at) : null)
                    : null);
            if (json)
            {
                using var lines = new JsonLines<StatusLine>(console.Out, CliJsonContext.Default.StatusLine);
                lines.Write(status);
                return MediaGateCommandLine.Ok;
            }

            Render(console.Ansi, status, storage.Options.RedactQueue);
            return MediaGateCommandLine.Ok;
        });

    private static void Render(IAnsiConsole ansi, StatusLine status, string imagingQueue)
    {
        var states = SchoolApi.States;
        var items = new Table().Border(TableBorder.Rounded).AddColumn("school");
        foreach (var state in states)
        {
            items.AddColumn(new TableColumn(state).RightAligned());
        }

        items.AddColumn(new TableColumn("total").RightAligned());
        foreach (var school in status.Items.GroupBy(c => c.School, StringComparer.Ordinal))
        {
            var counts = states.Select(s => school.Where(c => c.State == s).Sum(c => c.Count)).ToList();
            items.AddRow([Markup.Escape(school.Key), .. counts.Select(Count), Count(counts.Sum())]);
        }

        ansi.Write(items);
        var queues = new Table().Border(TableBorder.Rounded).AddColumns("queue", "messages");
        foreach (var queue in status.Queues)
        {
            queues.AddRow(Markup.Escape(queue.Name), queue.Name.EndsWith("-poison", StringComparison.Ordinal) && queue.Messages > 0 ? $"[red]{Count(queue.Messages)}[/]" : Count(queue.Messages));
        }

        ansi.Write(queues);
        if (status.Queues.Any(q => q.Name == imagingQueue))
        {
            ansi.MarkupLine($"[grey]{Markup.Escape(imagingQueue)}: the imaging worker's queue, face detection of the images whose tags would publish them (they stay in screening until it ran), then redactions; a -poison queue holds messages that failed five times.[/]");
        }

        ansi.MarkupLine(status.Uploads.Waiting == 0
            ? "Uploads waiting: 0."
            : $"Uploads waiting: {Count(status.Uploads.Waiting)} (oldest {status.Uploads.Oldest}); [grey]mediagate screen --storage ...[/] screens them.");
        ansi.MarkupLine(status.RescreensOwed == 0
            ? "Re-screens owed in the outbox: 0."
            : $"Re-screens owed in the outbox: [yellow]{Count(status.RescreensOwed)}[/]; [grey]mediagate rescreen --storage ...[/] does them.");
        ansi.MarkupLine(status.LastDailyRun is { } run
            ? $"Last daily run: {run.Day}{(run.At is null ? string.Empty : $" (finished {run.At})")}."
            : "Last daily run: [yellow]never[/]; [grey]mediagate expire --storage ...[/] does it.");
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The approximate depth of every MediaGate queue and its poison queue; a queue that does not exist counts 0.</summary>
    private static async Task<IReadOnlyList<StatusLine.QueueDepth>> QueuesAsync(StorageSession session, MediaStorage storage, CancellationToken ct)
    {
        var service = session.Get<MediaStorageConnection>().Queues;
        string[] names =
        [
            storage.Options.RedactQueue,
            storage.Options.RedactQueue + "-poison",
            storage.Options.RescreenQueue,
            storage.Options.RescreenQueue + "-poison",
            storage.Options.PreviewsQueue,
            storage.Options.PreviewsQueue + "-poison",
            BlobTriggerPoisonQueue,
        ];
        var depths = new List<StatusLine.QueueDepth>();
        foreach (var name in names)
        {
            try
            {
                var properties = await service.GetQueueClient(name).GetPropertiesAsync(ct);
                depths.Add(new StatusLine.QueueDepth(name, properties.Value.ApproximateMessagesCount));
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                depths.Add(new StatusLine.QueueDepth(name, 0));
            }
        }

        return depths;
    }

    /// <summary>The uploads not screened yet (of one school), and when the oldest of them arrived.</summary>
    private static async Task<StatusLine.WaitingUploads> UploadsAsync(MediaStorage storage, string? school, CancellationToken ct)
    {
        var (count, oldest) = (0, (DateTimeOffset?)null);
        await foreach (var blob in storage.Uploads.GetBlobsAsync(new GetBlobsOptions { Prefix = school is null ? null : school + "/" }, ct))
        {
            count++;
            var arrived = blob.Properties.CreatedOn ?? blob.Properties.LastModified;
            if (arrived is { } at && (oldest is null || at < oldest))
            {
                oldest = at;
            }
        }

        return new StatusLine.WaitingUploads(count, oldest is { } first ? DecisionLine.Timestamp(first) : null);
    }
}

/// <summary>What <c>mediagate status --json</c> prints, in one object: counts, no names.</summary>
internal sealed record StatusLine(
    IReadOnlyList<StatusLine.StateCount> Items,
    IReadOnlyList<StatusLine.QueueDepth> Queues,
    StatusLine.WaitingUploads Uploads,
    int RescreensOwed,
    StatusLine.DailyRun? LastDailyRun)
{
    /// <summary>How many items of a school are in a state; sorted by school, then state.</summary>
    internal sealed record StateCount(string School, string State, int Count);

    internal sealed record QueueDepth(string Name, int Messages);

    /// <summary>Uploads not screened yet, and when the oldest arrived (UTC).</summary>
    internal sealed record WaitingUploads(int Waiting, string? Oldest);

    /// <summary>The day the last daily run handled, and when it finished (UTC).</summary>
    internal sealed record DailyRun(string Day, string? At);
}
