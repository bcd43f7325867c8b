using System.Collections.Concurrent;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// Runs the screening of many items in parallel, as offline and storage screening both do: a progress
/// bar on a terminal, or each decision streamed as a JSON line with <c>--json</c>.
/// </summary>
internal static class ScreeningRun
{
    /// <returns>The decisions, sorted by path.</returns>
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
        var printGate = new Lock();
        async Task ScreenAll(Action advance)
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(items, parallel, async (item, ct) =>
            {
                if (await screen(item, ct) is { } line)
                {
                    results.Add(line);
                    if (json)
                    {
                        var text = CliJson.Line(line);
                        lock (printGate)
                        {
                            // Each decision is shown as it is made, also through a pipe.
                            console.Out.WriteLine(text);
                            console.Out.Flush();
                        }
                    }
                }

                advance();
            });
        }

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

        return [.. results.OrderBy(r => r.Path, StringComparer.Ordinal)];
    }
}
