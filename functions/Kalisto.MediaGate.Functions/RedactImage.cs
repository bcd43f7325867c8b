using Kalisto.MediaGate.Storage.Pipeline;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions;

/// <summary>
/// The imaging worker, from the <c>redact</c> queue: looks for the faces of an image its tags would publish
/// (SPEC §11) and decides it with them, or makes and publishes a redacted derivative. Pixel work on its own
/// trigger (and, on Flex Consumption, its own instances), so screening never waits for it. A failure (also a
/// missing face model) is retried by the queue, and after five attempts the message goes to <c>redact-poison</c>;
/// the item stays unpublished meanwhile.
/// </summary>
public sealed class RedactImage(RedactionPublishing publishing)
{
    [Function(nameof(RedactImage))]
    public Task RunAsync(
        [QueueTrigger("redact", Connection = "MediaStorage")] string message,
        CancellationToken cancellationToken) =>
        publishing.PublishAsync(RedactionPublishing.Parse(message), cancellationToken);
}
