using System.CommandLine;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Pipeline;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary><c>mediagate rescreen --storage CONN [--school S]</c>: processes every pending re-screen, then exits.</summary>
internal static class RescreenCommand
{
    public static Command Create(CliConsole console)
    {
        var storage = StorageCommand.Option();
        var school = new Option<string?>("--school") { Description = "Only the re-screens of this school; others stay queued." };
        var command = new Command("rescreen", "Process every pending re-screen after consent changes (what the RescreenItems function does), then exit.") { storage, school };
        command.SetAction((parsed, ct) => RunAsync(parsed.GetRequiredValue(storage), parsed.GetValue(school)?.Trim().ToLowerInvariant(), console, ct));
        return command;
    }

    private static Task<int> RunAsync(string connection, string? school, CliConsole console, CancellationToken ct) =>
        StorageCommand.RunAsync("rescreen", connection, snapshotRegister: false, console, ct, async session =>
        {
            var storage = session.Get<MediaStorage>();
            var rescreening = session.Get<ItemRescreening>();
            var moved = 0;
            var (subjects, failed) = await QueueDrain.RunAsync(storage.RescreenQueue, async (message, token) =>
            {
                var request = RescreenRequest.Parse(message);
                if (school is not null && request.School != school)
                {
                    return QueueDrain.Handling.Skipped;
                }

                Interlocked.Add(ref moved, await rescreening.RescreenAsync(request, token));
                return QueueDrain.Handling.Handled;
            }, concurrency: 4, ct);

            // Items that became redacted: publish their derivatives, as RedactImage does in Azure.
            var redaction = session.Get<RedactionPublishing>();
            var (_, redactionsFailed) = await QueueDrain.RunAsync(storage.RedactQueue, (message, token) => redaction.PublishAsync(RedactionPublishing.Parse(message), token), Environment.ProcessorCount, ct);
            console.Ansi.MarkupLine($"Processed {subjects} re-screen(s): {moved} item(s) changed state.");
            if (failed + redactionsFailed > 0)
            {
                console.Error.WriteLine($"mediagate rescreen: {failed + redactionsFailed} message(s) failed and stay queued; run rescreen again to retry them.");
                return StorageCommand.StorageError;
            }

            return MediaGateCommandLine.Ok;
        });
}
