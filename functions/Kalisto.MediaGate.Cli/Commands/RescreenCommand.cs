using System.CommandLine;
using Azure;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Pipeline;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// <c>mediagate rescreen --storage CONN [--school S]</c>: processes every pending re-screen, then exits: the
/// queued messages, then every re-screen still owed in the consent outbox without one (an import that
/// crashed or was cancelled before queuing). A failure names the subject or item and the storage's status
/// and error code; the message is visible again at once, so running the command again retries it.
/// </summary>
internal static class RescreenCommand
{
    public static Command Create(CliConsole console)
    {
        var storage = StorageCommand.Option();
        var school = new Option<string?>("--school") { Description = "Only the re-screens of this school; others stay queued." };
        var command = new Command("rescreen", "Process every pending re-screen after consent changes (what the RescreenItems function does), then exit.") { storage, school };
        command.SetAction((parsed, ct) => RunAsync(parsed.GetRequiredValue(storage), (parsed.GetValue(school) is { } code ? ConsentFields.NormaliseSchool(code) : null), console, ct));
        return command;
    }

    private static Task<int> RunAsync(string connection, string? school, CliConsole console, CancellationToken ct) =>
        StorageCommand.RunAsync("rescreen", connection, snapshotRegister: false, console, ct, async session =>
        {
            var done = 0;
            RescreenRun run;
            try
            {
                run = await ProcessAsync(session, school, "rescreen", console, ct, () => { Interlocked.Increment(ref done); console.ItemDone?.Invoke(); });
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Each item's move is conditional and repeatable; the outbox keeps every re-screen owed until it is done.
                return StorageCommand.Stopped(console, "rescreen", $"after {Volatile.Read(ref done)} re-screen(s); each item is moved whole or not at all and the rest stay pending; run the same command again to continue");
            }

            console.Ansi.MarkupLine($"Processed {run.Subjects} re-screen(s): {run.Moved} item(s) decided again (outcome, channels or reasons changed).");
            if (run.Failed > 0)
            {
                console.Error.WriteLine($"mediagate rescreen: {run.Failed} re-screen(s) or redaction(s) failed and stay pending; run rescreen again to retry them.");
                return StorageCommand.StorageError;
            }

            return MediaGateCommandLine.Ok;
        });

    /// <summary>What one pass over the pending re-screens did.</summary>
    /// <param name="Subjects">Re-screens of a subject done.</param>
    /// <param name="Moved">Items decided again: a new decision recorded, because their outcome, channels or reasons changed.</param>
    /// <param name="Failed">Re-screens or redactions that failed and stay pending.</param>
    internal sealed record RescreenRun(int Subjects, int Moved, int Failed);

    /// <summary>
    /// Processes every pending re-screen (queued, then owed in the outbox without a message) and the
    /// redactions and previews they ask for, as the Functions app does; each failure is printed under <paramref name="name"/>.
    /// </summary>
    internal static async Task<RescreenRun> ProcessAsync(StorageSession session, string? school, string name, CliConsole console, CancellationToken ct, Action? rescreened = null)
    {
        var storage = session.Get<MediaStorage>();
        var outbox = session.Get<RescreenOutbox>();
        var rescreening = session.Get<ItemRescreening>();
        var moved = 0;
        var failedSubjects = new HashSet<(string, string)>();
        void Failed(RescreenRequest request, Exception e)
        {
            lock (failedSubjects)
            {
                failedSubjects.Add((request.School, request.SubjectId));
            }

            console.Error.WriteLine($"mediagate {name}: the re-screen of {request.School} {request.SubjectId} failed ({Why(e)}); it stays pending.");
        }

        var (subjects, failed) = await QueueDrain.RunMessagesAsync(storage.RescreenQueue, async (message, token) =>
        {
            var request = RescreenRequest.Parse(message.MessageText) with { FirstDelivery = message.DequeueCount == 1 };
            if (school is not null && request.School != school)
            {
                return QueueDrain.Handling.Skipped;
            }

            Interlocked.Add(ref moved, await outbox.HandleAsync(request, rescreening.RescreenAsync, token));
            rescreened?.Invoke();
            return QueueDrain.Handling.Handled;
        }, concurrency: 4, ct, (message, e) => Failed(RescreenRequest.Parse(message.MessageText), e));

        // Re-screens owed without a message (its import died before queuing it): done here, not queued.
        var owed = (await outbox.PendingAsync(TimeSpan.Zero, ct))
            .Where(r => (school is null || r.School == school) && !failedSubjects.Contains((r.School, r.SubjectId)))
            .ToList();
        await Parallel.ForEachAsync(owed, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (request, token) =>
        {
            try
            {
                Interlocked.Add(ref moved, await outbox.HandleAsync(request, rescreening.RescreenAsync, token));
                Interlocked.Increment(ref subjects);
                rescreened?.Invoke();
            }
            catch (Exception e) when (!token.IsCancellationRequested)
            {
                Interlocked.Increment(ref failed);
                Failed(request, e);
            }
        });

        // Items that wait for their faces, or became redacted: look for the faces, publish the derivatives, as RedactImage does in Azure.
        var redactionsFailed = await ImagingDrain.RunAsync(session, name, console, ct);
        await PreviewDrain.RunAsync(session, name, console, ct);
        return new RescreenRun(subjects, moved, failed + redactionsFailed);
    }

    /// <summary>What a message of the imaging worker's <c>redact</c> queue asks for, and of which item: a face detection or a redaction.</summary>
    internal static string ImagingStep(string message)
    {
        var request = RedactionPublishing.Parse(message);
        return $"the {(request.Faces ? "face detection" : "redaction")} of {request.Location}";
    }

    /// <summary>The storage's answer (status and error code), or what went wrong otherwise; never a stack trace.</summary>
    internal static string Why(Exception e) => e switch
    {
        AggregateException many => string.Join("; ", many.InnerExceptions.Select(Why)),
        ItemSettleException item => $"item {item.ItemId}: {Why(item.InnerException!)}",
        RequestFailedException { Status: > 0 } r => $"status {r.Status}, {r.ErrorCode ?? "no error code"}",
        _ => Markup.Escape(e.GetBaseException().Message),
    };
}
