using Kalisto.MediaGate.Storage.Pipeline;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions;

/// <summary>
/// Makes and publishes a redacted derivative, from the <c>redact</c> queue: pixel work on its own
/// trigger (and, on Flex Consumption, its own instances), so screening never waits for it. A failure
/// is retried by the queue, and after five attempts the message goes to <c>redact-poison</c>.
/// </summary>
public sealed class RedactImage(RedactionPublishing publishing)
{
    [Function(nameof(RedactImage))]
    public Task RunAsync(
        [QueueTrigger("redact", Connection = "MediaStorage")] string message,
        CancellationToken cancellationToken) =>
        publishing.PublishAsync(RedactionPublishing.Parse(message), cancellationToken);
}
