using Kalisto.MediaGate.Storage.Previews;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions;

/// <summary>
/// Makes the web app's preview of an item as one decision left it, from the <c>previews</c> queue: pixel
/// work on its own trigger, so screening never waits for it. A request for a decision that no longer holds,
/// or for a video, does nothing. A storage failure is retried by the queue, and after five attempts the
/// message goes to <c>previews-poison</c>; the item then has no preview until its next decision.
/// </summary>
public sealed class MakePreview(PreviewPublishing publishing)
{
    [Function(nameof(MakePreview))]
    public Task RunAsync(
        [QueueTrigger("previews", Connection = "MediaStorage")] string message,
        CancellationToken cancellationToken) =>
        publishing.PublishAsync(PreviewPublishing.Parse(message), cancellationToken);
}
