using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Kalisto.MediaGate.Storage;

/// <summary>
/// Processes every message now on a queue, as its queue-triggered function would, and returns: for the
/// command line, which has no host polling the queues. A message is deleted only after it was handled;
/// one that fails is made visible again at once (so running again retries it without waiting for the
/// visibility timeout) and is not tried again in the same run.
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

    /// <param name="queue">The queue to drain.</param>
    /// <param name="handle">Handles one message's text.</param>
    /// <param name="concurrency">How many messages are handled at once.</param>
    /// <param name="cancellationToken">Stops the run; messages being handled become visible again after their timeout.</param>
    /// <param name="failed">Told of each message that failed and why, so the caller can say which one.</param>
    /// <returns>How many messages were handled, and how many failed.</returns>
    public static Task<(int Handled, int Failed)> RunAsync(
        QueueClient queue,
        Func<string, CancellationToken, Task<Handling>> handle,
        int concurrency,
        CancellationToken cancellationToken,
        Action<string, Exception>? failed = null)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return RunMessagesAsync(queue, (m, ct) => handle(m.MessageText, ct), concurrency, cancellationToken, failed is null ? null : (m, e) => failed(m.MessageText, e));
    }

    /// <summary>As <see cref="RunAsync(QueueClient, Func{string, CancellationToken, Task{Handling}}, int, CancellationToken, Action{string, Exception}?)"/>, with the whole message (its dequeue count, for one).</summary>
    /// <returns>How many messages were handled, and how many failed.</returns>
    public static async Task<(int Handled, int Failed)> RunMessagesAsync(
        QueueClient queue,
        Func<QueueMessage, CancellationToken, Task<Handling>> handle,
        int concurrency,
        CancellationToken cancellationToken,
        Action<QueueMessage, Exception>? failed = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(handle);
        int handledCount = 0, failedCount = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal); // skipped or failed in this run: not handled again
        var gate = new Lock();
        bool Seen(QueueMessage m)
        {
            lock (gate)
            {
                return seen.Contains(m.MessageId);
            }
        }

        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(maxMessages: 32, visibilityTimeout: TimeSpan.FromMinutes(5), cancellationToken)).Value;
            if (batch.Length == 0 || batch.All(Seen))
            {
                foreach (var message in batch)
                {
                    await ReleaseAsync(queue, message, cancellationToken);
                }

                return (handledCount, failedCount);
            }

            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (message, ct) =>
            {
                if (Seen(message))
                {
                    await ReleaseAsync(queue, message, ct);
                    return;
                }

                try
                {
                    if (await handle(message, ct) == Handling.Skipped)
                    {
                        lock (gate)
                        {
                            seen.Add(message.MessageId);
                        }

                        await ReleaseAsync(queue, message, ct);
                        return;
                    }

                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
                    Interlocked.Increment(ref handledCount);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failedCount);
                    lock (gate)
                    {
                        seen.Add(message.MessageId);
                        failed?.Invoke(message, e);
                    }

                    // Visible again now, for the next run (or the Functions app); its dequeue count still
                    // counts towards the poison limit.
                    try
                    {
                        await ReleaseAsync(queue, message, ct);
                    }
                    catch (Exception) when (!ct.IsCancellationRequested)
                    {
                        // Storage failing again: the visibility timeout releases it instead.
                    }
                }
            });
        }
    }

    private static Task ReleaseAsync(QueueClient queue, QueueMessage message, CancellationToken cancellationToken) =>
        queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);
}
