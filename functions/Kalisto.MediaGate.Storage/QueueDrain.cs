using Azure.Storage.Queues;

namespace Kalisto.MediaGate.Storage;

/// <summary>
/// Processes every message now on a queue, as its queue-triggered function would, and returns: for the
/// command line, which has no host polling the queues. A message is deleted only after it was handled;
/// one that fails becomes visible again later, for the next run or for the Functions app.
/// </summary>
public static class QueueDrain
{
    /// <returns>How many messages were handled, and how many failed.</returns>
    public static async Task<(int Handled, int Failed)> RunAsync(
        QueueClient queue, Func<string, CancellationToken, Task> handle, int concurrency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(handle);
        int handled = 0, failed = 0;
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(maxMessages: 32, visibilityTimeout: TimeSpan.FromMinutes(5), cancellationToken)).Value;
            if (batch.Length == 0)
            {
                return (handled, failed);
            }

            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (message, ct) =>
            {
                try
                {
                    await handle(message.MessageText, ct);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
                    Interlocked.Increment(ref handled);
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    // Left on the queue: visible again after the timeout, and counted towards its poison limit.
                    Interlocked.Increment(ref failed);
                }
            });
        }
    }
}
