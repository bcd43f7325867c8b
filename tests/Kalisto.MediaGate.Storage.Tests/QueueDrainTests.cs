using Azure;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class QueueDrainTests(Azurite azurite)
{
    [Fact]
    public async Task A_failed_message_is_tried_once_per_run_named_and_visible_again_at_once()
    {
        var storage = await azurite.NewStorageAsync();
        await storage.RescreenQueue.SendMessageAsync("good");
        await storage.RescreenQueue.SendMessageAsync("bad");
        var tries = 0;
        var failures = new List<(string Message, int Status, string? Code)>();

        var (handled, failed) = await QueueDrain.RunAsync(
            storage.RescreenQueue,
            (message, _) =>
            {
                if (message == "bad")
                {
                    tries++;
                    throw new RequestFailedException(503, "The server is busy.", "ServerBusy", null);
                }

                return Task.FromResult(QueueDrain.Handling.Handled);
            },
            concurrency: 1,
            CancellationToken.None,
            (message, e) => failures.Add((message, ((RequestFailedException)e).Status, ((RequestFailedException)e).ErrorCode)));

        Assert.Equal((1, 1, 1), (handled, failed, tries));
        Assert.Equal([("bad", 503, (string?)"ServerBusy")], failures);
        var again = Assert.Single((await storage.RescreenQueue.ReceiveMessagesAsync(32)).Value); // no visibility timeout to wait for
        Assert.Equal("bad", again.MessageText);
    }
}
