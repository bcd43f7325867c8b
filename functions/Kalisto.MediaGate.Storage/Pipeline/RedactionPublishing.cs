using System.Diagnostics;
using System.Text.Json;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>
/// The redaction worker (SPEC §6): makes the redacted derivative of an item's quarantined original and
/// publishes it to <c>approved</c>. Runs from its own queue, so screening never waits for pixels. Just
/// before the derivative goes out, the decision is checked against the register as it is then; the
/// publication is recorded conditional on the state that asked for it, and when that state changed
/// meanwhile (a withdrawal), the item is settled again, which takes the derivative down if it no longer
/// belongs. Safe to repeat: a request for an item that was decided again since, or is already
/// published, does nothing. When the image cannot be redacted the item is quarantined with that reason.
/// </summary>
public sealed partial class RedactionPublishing(
    MediaStorage storage,
    IImageRedactor redactor,
    ItemCatalog catalog,
    ItemMoves moves,
    FaceScanning faces,
    TimeProvider clock,
    ScreeningMetrics metrics,
    ILogger<RedactionPublishing> logger)
{
    public const string Trigger = "redaction";

    public static RedactionRequest Parse(string message) =>
        JsonSerializer.Deserialize<RedactionRequest>(message, ItemCatalog.Json)
            ?? throw new InvalidDataException("An empty redaction request.");

    /// <summary>
    /// Handles one request of the imaging worker's queue (a redaction, or a face detection: <see cref="FaceScanning"/>);
    /// returns the item's state afterwards, or null when there was nothing to do.
    /// </summary>
    public async Task<ItemState?> PublishAsync(RedactionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Faces)
        {
            return await faces.ScanAsync(request, cancellationToken);
        }

        var started = Stopwatch.GetTimestamp();
        var read = await catalog.GetAsync(request.School, request.ItemKey, cancellationToken);
        if (read is not { State: { Outcome: Outcome.Redacted, RedactionPending: true } item } || item.RedactionKey != request.RedactionKey)
        {
            LogNothingToDo(request.Location);
            return null; // decided again since, or published by an earlier delivery
        }

        var copies = await moves.CopiesAsync(item, cancellationToken);
        var kept = copies.Quarantine.FirstOrDefault()
            ?? throw new InvalidDataException($"The quarantined original of {item.Location} is missing.");
        var original = storage.Quarantine.GetBlobClient(kept.Name);
        var originalETag = kept.Properties.ETag!.Value;
        await using var derivative = ItemMoves.TemporaryFile();
        PublishResult redacted;
        await using (var content = await ItemMoves.OpenAsync(original, originalETag, cancellationToken))
        {
            redacted = await redactor.RedactAsync(content, item.Tags.Format, item.Redactions, derivative, cancellationToken);
        }

        var now = clock.GetUtcNow();
        var decision = new ScreeningDecision
        {
            Outcome = Outcome.Redacted,
            Subjects = item.Subjects,
            Channels = item.Channels,
            Reasons = item.Reasons,
            RedactedSubjects = item.RedactedSubjects,
            Redactions = item.Redactions,
            ConsentVersions = item.ConsentVersions,
            Faces = item.FaceCheck,
            DecidedAt = now,
        };
        if (redacted.Succeeded)
        {
            if (await moves.StillHoldsAsync(item, cancellationToken) is not { } records)
            {
                // The register changed since the redaction was asked for: decide again instead of publishing.
                return (await moves.SettleAsync(null, item.School, item.ItemId, Trigger, fresh: false, cancellationToken))?.State;
            }

            redacted = moves.LastCheck(derivative, item, records, cancellationToken);
        }

        ItemState next;
        if (!redacted.Succeeded)
        {
            LogRefused(item.Location, redacted.ReasonCode!);
            decision = decision.Refused(redacted.ReasonCode!);
            next = item with
            {
                Outcome = Outcome.Quarantined,
                RedactionPending = false,
                RedactionKey = string.Empty,
                Redactions = [],
                RedactedSubjects = [],
                Channels = [],
                Reasons = decision.Reasons,
                DecidedAt = now,
                Generation = item.Generation + 1,
            };
        }
        else
        {
            var name = await moves.PublishRedactedAsync(item, derivative, original, originalETag, cancellationToken);
            next = item with { RedactionPending = false, Location = name, DecidedAt = now, Generation = item.Generation + 1 };
        }

        next = next with { Converged = false };
        var committed = await catalog.CommitAsync(next, read.ETag, Trigger, decision, cancellationToken);
        if (committed is not null)
        {
            await moves.RequestPreviewAsync(next, cancellationToken); // the derivative, or the original kept in quarantine
        }

        if (committed is null || await catalog.UpdateAsync(next with { Converged = true }, committed.Value, cancellationToken) is null)
        {
            // Changed while the pixels were worked on: settle the newer state (which removes the
            // derivative again when it no longer belongs).
            LogChangedMeanwhile(item.Location);
            return (await moves.SettleAsync(null, item.School, item.ItemId, Trigger, fresh: false, cancellationToken))?.State;
        }

        metrics.Record(decision, Trigger, Stopwatch.GetElapsedTime(started));
        LogPublished(item.Location, next.StateName, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return next;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Redaction of {Location}: nothing to do (decided again since, or already published)")]
    private partial void LogNothingToDo(string location);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Location} cannot be redacted ({Reason}); it stays quarantined")]
    private partial void LogRefused(string location, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Location} changed while it was redacted: settling it again")]
    private partial void LogChangedMeanwhile(string location);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redaction of {Location} done ({State}) in {Milliseconds:F0} ms")]
    private partial void LogPublished(string location, string state, double milliseconds);
}
