using Azure;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Previews;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// What MakePreview does in Azure, for the commands that decide about items in-process: makes the previews
/// the decisions of this run asked for. A preview is only a view, so a failed one is told on standard error
/// and stays queued for the next run, without failing the command.
/// </summary>
internal static class PreviewDrain
{
    public static async Task RunAsync(StorageSession session, string name, CliConsole console, CancellationToken ct)
    {
        var storage = session.Get<MediaStorage>();
        var previews = session.Get<PreviewPublishing>();
        await QueueDrain.RunAsync(
            storage.PreviewsQueue,
            async (message, token) =>
            {
                await previews.PublishAsync(PreviewPublishing.Parse(message), token);
                return QueueDrain.Handling.Handled;
            },
            Environment.ProcessorCount,
            ct,
            (_, e) => console.Error.WriteLine($"mediagate {name}: a preview could not be made ({Why(e)}); it stays queued."));
    }

    private static string Why(Exception e) => e is RequestFailedException { Status: > 0 } r
        ? $"status {r.Status}, {r.ErrorCode ?? "no error code"}"
        : e.GetType().Name;
}
