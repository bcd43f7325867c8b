using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Pipeline;
using Microsoft.Extensions.Hosting;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// What the Functions app does by itself, for <c>mediagate serve</c>: one pass every <see cref="Interval"/> screens every
/// upload waiting in <c>uploads</c> (what <c>ScreenUpload</c> and <c>screen --storage</c> do), then processes the
/// re-screens, the face detections and redactions (the imaging worker's <c>redact</c> queue) and the previews until their
/// queues are empty, and the re-screens owed in the consent
/// outbox without a message (what <c>RescreenItems</c>, <c>RedactImage</c>, <c>MakePreview</c>, the outbox sweep and
/// <c>rescreen --storage</c> do, by the same <see cref="RescreenCommand.ProcessAsync"/>). So a teacher's upload through
/// the web app is decided, and a withdrawal takes its items out of <c>approved</c>, within seconds.
/// </summary>
/// <remarks>
/// One pass at a time: the next starts <see cref="Interval"/> after the last one ended. Every step is idempotent and
/// conditional (SPEC §8), so a pass stopped midway, or one beside a Functions app on the same account, is safe. A pass
/// that fails is told on standard error in one line (the storage's endpoint and answer, never a stack trace, a key or a
/// name) and the next pass tries again; an upload or message that fails is told by its own line (its path, or its
/// subject ID, as the commands tell it) and stays for the next pass. Stopping the host (Ctrl+C) cancels the pass.
/// </remarks>
internal sealed class ServePipeline(StorageSession session, CliConsole console) : BackgroundService
{
    /// <summary>The time between the end of one pass and the start of the next.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private const string Name = "serve";

    /// <summary>What serve prints at start: that it runs the pipeline, or that <c>--no-pipeline</c> leaves it to others.</summary>
    public static string Describe(bool running) => running
        ? $"mediagate serve: screening uploads and processing queues every {Interval.TotalSeconds:0} s."
        : "mediagate serve: not processing uploads or queues (--no-pipeline).";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunPassAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Ctrl+C: what the pass did stands, what it did not is done by the next run.
                return;
            }
            catch (Exception e)
            {
                // Whatever went wrong, this pass approved nothing it should not have (every step fails closed); the next tries again.
                console.Error.WriteLine(Failure(e, stoppingToken));
            }

            await Task.Delay(Interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>One pass: every upload now waiting, then the queues (and the owed re-screens) until they are empty.</summary>
    private async Task RunPassAsync(CancellationToken ct)
    {
        var storage = session.Get<MediaStorage>();
        var screening = session.Get<UploadScreening>();
        var waiting = await StorageScreening.WaitingAsync(storage, ct);
        await Parallel.ForEachAsync(waiting, new ParallelOptions { MaxDegreeOfParallelism = StorageScreening.Concurrency, CancellationToken = ct }, async (name, token) =>
        {
            try
            {
                await screening.ScreenAsync(name, token);
            }
            catch (Exception e) when (!token.IsCancellationRequested)
            {
                // The upload stays in uploads: the next pass screens it again (every step is safe to repeat).
                console.Error.WriteLine($"mediagate {Name}: screening uploads/{name} failed ({RescreenCommand.Why(e)}); it stays in uploads for the next pass.");
            }
        });

        // The re-screens (queued, or owed without a message), then the face detections, redactions and previews the decisions asked for.
        await RescreenCommand.ProcessAsync(session, school: null, Name, console, ct);
    }

    /// <summary>The one line of a failed pass: the storage's endpoint and answer, or only the kind of fault.</summary>
    private string Failure(Exception e, CancellationToken ct)
    {
        const string again = "the next pass tries again";
        if (StorageCommand.IsStorageFailure(e, ct))
        {
            var clients = session.Get<StorageClientSettings>();
            return $"mediagate {Name}: a pass over uploads and queues failed, {again}: {StorageCommand.Explain(e, clients.FailedEndpoint, clients.Timeout)}";
        }

        // Not the storage: a fault of mediagate. Its message could hold anything, so only its kind is told.
        return $"mediagate {Name}: a pass over uploads and queues failed ({e.GetType().Name}); {again}.";
    }
}
