using System.Collections.Concurrent;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// Runs the screening of many items in parallel, as offline and storage screening both do: a progress
/// bar on a terminal, or each decision streamed as a JSON line with <c>--json</c>, in the order of the items
/// (sorted by path): a decision is printed as soon as every item before it is decided.
/// </summary>
internal static class ScreeningRun
{
    /// <remarks><paramref name="items"/> are screened in that order, and their JSON lines printed in it.</remarks>
    /// <returns>The decisions, sorted by path.</returns>
    /// <exception cref="ScreeningStoppedException">Cancelled: how many items were screened by then.</exception>
    public static async Task<List<DecisionLine>> RunAsync<T>(
        IReadOnlyList<T> items,
        int concurrency,
        bool json,
        string title,
        CliConsole console,
        Func<T, CancellationToken, Task<DecisionLine?>> screen,
        CancellationToken cancellationToken)
    {
        var results = new ConcurrentBag<DecisionLine>();
        var decided = new DecisionLine?[items.Count];
        var finished = new bool[items.Count];
        var printed = 0;
        var done = 0;
        var printGate = new Lock();
        async Task ScreenAll(Action advance)
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(items.Select((item, index) => (item, index)), parallel, async (entry, ct) =>
            {
                var line = await screen(entry.item, ct);
                if (line is not null)
                {
                    results.Add(line);
                }

                Interlocked.Increment(ref done);
                if (json)
                {
                    lock (printGate)
                    {
                        (decided[entry.index], finished[entry.index]) = (line, true);
                        for (; printed < items.Count && finished[printed]; printed++)
                        {
                            if (decided[printed] is { } next)
                            {
                                console.Out.WriteLine(CliJson.Line(next));
                                decided[printed] = null;
                            }
                        }

                        // Each decision is shown as it is made, also through a pipe.
                        console.Out.Flush();
                    }
                }

                advance();
                console.ItemDone?.Invoke();
            });
        }

        try
        {
            if (!json && console.Ansi.Profile.Capabilities.Interactive)
            {
                await console.Ansi.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask(title, maxValue: Math.Max(1, items.Count));
                        await ScreenAll(() => task.Increment(1));
                    });
            }
            else
            {
                await ScreenAll(() => { });
            }
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new ScreeningStoppedException(Volatile.Read(ref done), items.Count, e);
        }

        return [.. results.OrderBy(r => r.Path, StringComparer.Ordinal)];
    }
}

/// <summary>A screening run stopped by Ctrl+C after <see cref="Done"/> of <see cref="Total"/> items.</summary>
internal sealed class ScreeningStoppedException(int done, int total, Exception inner)
    : OperationCanceledException($"stopped after {done} of {total}", inner)
{
    public int Done { get; } = done;

    public int Total { get; } = total;
}
