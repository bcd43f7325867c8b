using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Lifecycle;

/// <summary>
/// Every change of the register goes through here (CSV import, the API, the command line): the change
/// is written with its history, then a re-screen is queued for each subject whose record changed, so
/// withdrawn consent takes items out of <c>approved</c> and late consent releases them (SPEC §7).
/// </summary>
public sealed partial class ConsentChanges(
    TableConsentRegister register,
    MediaStorage storage,
    ConsentOptions options,
    TimeProvider clock,
    ILogger<ConsentChanges> logger)
{
    /// <summary>Adds or replaces records (validated as a whole before) and queues the re-screens.</summary>
    public async Task<ImportSummary> ImportAsync(IReadOnlyList<ConsentRecord> records, string changedBy, CancellationToken cancellationToken)
    {
        ImportSummary summary;
        try
        {
            summary = await register.ImportAsync(records, changedBy, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Part of the import may be written: those records would count as unchanged when it is run
            // again, and get no re-screen then. Re-screening a subject that did not change is harmless.
            await QueueAsync(records.Select(r => new SubjectRef(r.School, r.SubjectId)), RescreenRequest.ConsentChange, CancellationToken.None);
            throw;
        }

        await QueueAsync(summary.ChangedSubjects, RescreenRequest.ConsentChange, cancellationToken);
        return summary;
    }

    /// <summary>
    /// Withdraws a subject's consent from <paramref name="on"/> (today when null), keeping the history.
    /// An earlier withdrawal date stays. Null when the school has no record for the subject.
    /// </summary>
    public async Task<ConsentRecord?> WithdrawAsync(string school, string subjectId, DateOnly? on, string changedBy, CancellationToken cancellationToken)
    {
        var record = await register.GetAsync(school, subjectId, cancellationToken);
        if (record is null)
        {
            return null;
        }

        var day = on ?? options.Today(clock.GetUtcNow());
        if (record.WithdrawnOn is { } earlier && earlier <= day)
        {
            return record; // already withdrawn from an earlier day: nothing changes
        }

        var withdrawn = record with { WithdrawnOn = day };
        await ImportAsync([withdrawn], changedBy, cancellationToken);
        LogWithdrawn(school, subjectId);
        return withdrawn with { Version = record.Version + 1 };
    }

    /// <summary>Queues a re-screen of each subject's items.</summary>
    public async Task QueueAsync(IEnumerable<SubjectRef> subjects, string cause, CancellationToken cancellationToken)
    {
        foreach (var subject in subjects)
        {
            await storage.RescreenQueue.SendMessageAsync(new RescreenRequest(subject.School, subject.SubjectId, cause).ToMessage(), cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consent of {School} {SubjectId} withdrawn; its items are queued for re-screening")]
    private partial void LogWithdrawn(string school, string subjectId);
}
