using Kalisto.MediaGate.Imaging.Faces;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Pipeline;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// <c>mediagate screen --storage CONN</c>: screens everything now in <c>uploads</c> through the very
/// pipeline the <c>ScreenUpload</c> function runs, then exits. Output as offline: a summary, or one
/// JSON decision per line. An image its tags would publish is looked at for faces right after it is screened (what
/// <c>RedactImage</c> does from the <c>redact</c> queue in Azure), so its line says how it was decided with them.
/// </summary>
internal static class StorageScreening
{
    /// <summary>Items screened at once: the work waits on storage, not on the processor.</summary>
    public const int Concurrency = 16;

    public static async Task<int> RunAsync(StorageSession session, bool json, System.Globalization.CultureInfo language, CliConsole console, CancellationToken ct)
    {
        var storage = session.Get<MediaStorage>();
        var screening = session.Get<UploadScreening>();
        var redaction = session.Get<RedactionPublishing>();
        var names = await WaitingAsync(storage, ct);
        List<DecisionLine> results;
        try
        {
            results = await ScreeningRun.RunAsync(names, Concurrency, json, "Screening uploads", console, async (name, token) =>
            {
                if (await screening.ScreenAsync(name, token) is not { } item)
                {
                    return null;
                }

                if (item.AwaitsFaces)
                {
                    try
                    {
                        // The message queued for it stays: handled again below, it finds the faces known.
                        item = await redaction.PublishAsync(RedactionRequest.FacesOf(item), token) ?? item;
                    }
                    catch (FaceModelMissingException)
                    {
                        // The item stays in screening, nothing of it published; the queue below tells why.
                    }
                }

                return DecisionLine.From(item);
            }, ct);
        }
        catch (ScreeningStoppedException stopped)
        {
            // Every step of the pipeline is safe to repeat (SPEC §8): an item stopped midway is finished by the next run.
            return StorageCommand.Stopped(console, "screen", $"after {stopped.Done} of {stopped.Total} uploads; each item is screened or still in uploads, nothing is half-written; run the same command again to continue");
        }

        // What RedactImage does in Azure: the face detections and redactions asked for above.
        var failed = await ImagingDrain.RunAsync(session, "screen", console, ct);
        if (failed > 0)
        {
            console.Error.WriteLine($"mediagate screen: {failed} face detection(s) or redaction(s) failed and stay queued, their items unpublished; run screen again to retry them.");
        }

        // What MakePreview does in Azure: the previews of the decisions above (and of the redactions published).
        await PreviewDrain.RunAsync(session, "screen", console, ct);

        if (!json)
        {
            OfflineScreening.RenderTables(console.Ansi, results, language, "mediagate items --storage ...");
            console.Ansi.MarkupLine($"Screened {results.Count} upload(s). Publishable copies: [green]{Markup.Escape(storage.Approved.Name)}[/]   Quarantine: [yellow]{Markup.Escape(storage.Quarantine.Name)}[/]   List them: [grey]mediagate items --storage ...[/]");
        }

        return MediaGateCommandLine.Ok;
    }

    /// <summary>The names of every blob now in <c>uploads</c>, sorted (ordinal) as every listing is.</summary>
    public static async Task<List<string>> WaitingAsync(MediaStorage storage, CancellationToken ct)
    {
        var names = new List<string>();
        await foreach (var blob in storage.Uploads.GetBlobsAsync(cancellationToken: ct))
        {
            names.Add(blob.Name);
        }

        // The listing comes in the service's order.
        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
