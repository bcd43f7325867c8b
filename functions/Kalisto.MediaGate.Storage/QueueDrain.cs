using Azure.Storage.Queues;

namespace Kalisto.MediaGate.Storage;

/// <summary>
/// Processes every message now on a queue, as its queue-triggered function would, and returns: for the
/// command line, which has no host polling the queues. A message is deleted only after it was handled;
/// one that fails becomes visible again later, for the next run or for the Functions app.
/// </summary>
public static class QueueDrain
{
    /// <summary>What a handler did with a message.</summary>
    public enum Handling
    {
        Handled,

        /// <summary>Not for this run (for example another school's): left on the queue as it was.</summary>
        Skipped,
    }

    /// <returns>How many messages were handled, and how many failed.</returns>
    public static Task<(int Handled, int Failed)> RunAsync(
        QueueClient queue, Func<string, CancellationToken, Task> handle, int concurrency, CancellationToken cancellationToken) =>
        RunAsync(queue, async (message, ct) =>
        {
            await handle(message, ct);
            return Handling.Handled;
        }, concurrency, cancellationToken);

    /// <returns>How many messages were handled, and how many failed.</returns>
    public static async Task<(int Handled, int Failed)> RunAsync(
        QueueClient queue, Func<string, CancellationToken, Task<Handling>> handle, int concurrency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(handle);
        int handled = 0, failed = 0;
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        var gate = new Lock();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(maxMessages: 32, visibilityTimeout: TimeSpan.FromMinutes(5), cancellationToken)).Value;
            bool seenBefore;
            lock (gate)
            {
                seenBefore = batch.All(m => skipped.Contains(m.MessageId));
            }

            if (batch.Length == 0 || seenBefore)
            {
                foreach (var message in batch)
                {
                    await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);
                }

                return (handled, failed);
            }

            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (message, ct) =>
            {
                try
                {
                    if (await handle(message.MessageText, ct) == Handling.Skipped)
                    {
                        lock (gate)
                        {
                            skipped.Add(message.MessageId);
                        }

                        await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: ct);
                        return;
                    }

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
