using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Pipeline;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// What <c>RedactImage</c> does in Azure, for the commands that run the pipeline in-process: the imaging worker's
/// <c>redact</c> queue (face detections, then the redactions they and the decisions ask for) until it is empty.
/// </summary>
internal static class ImagingDrain
{
    /// <returns>How many messages failed (they stay queued, their items unpublished).</returns>
    public static async Task<int> RunAsync(StorageSession session, string name, CliConsole console, CancellationToken ct)
    {
        var storage = session.Get<MediaStorage>();
        var redaction = session.Get<RedactionPublishing>();
        var (_, failed) = await QueueDrain.RunAsync(
            storage.RedactQueue,
            async (message, token) =>
            {
                await redaction.PublishAsync(RedactionPublishing.Parse(message), token);
                return QueueDrain.Handling.Handled;
            },
            Environment.ProcessorCount,
            ct,
            (message, e) => console.Error.WriteLine($"mediagate {name}: {RescreenCommand.ImagingStep(message)} failed ({RescreenCommand.Why(e)}); it stays queued."));
        return failed;
    }
}
