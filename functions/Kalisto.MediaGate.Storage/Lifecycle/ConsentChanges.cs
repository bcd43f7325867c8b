using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Lifecycle;

/// <summary>
/// Every change of the register goes through here (CSV import, the API, the command line): each record
/// is written in one transaction with its history and the re-screen it owes (<see cref="RescreenOutbox"/>),
/// then the re-screen is queued, so withdrawn consent takes items out of <c>approved</c> and late consent
/// releases them (SPEC §7). A process that dies between the two leaves the outbox row, and the sweep queues it.
/// </summary>
public sealed partial class ConsentChanges(
    TableConsentRegister register,
    RescreenOutbox outbox,
    ConsentOptions options,
    TimeProvider clock,
    ILogger<ConsentChanges> logger)
{
    /// <summary>Adds or replaces records (validated as a whole before) and queues the re-screens.</summary>
    public async Task<ImportSummary> ImportAsync(IReadOnlyList<ConsentRecord> records, string changedBy, CancellationToken cancellationToken)
    {
        // A failure or cancellation half-way throws: the records written so far owe their re-screens in the
        // outbox, and the sweep (or mediagate rescreen) queues them.
        var summary = await register.ImportAsync(records, changedBy, cancellationToken);
        await outbox.SendAsync(summary.ChangedSubjects, cancellationToken);
        return summary;
    }

    /// <summary>
    /// Adds or replaces one record in one conditional write (see <see cref="TableConsentRegister.PutAsync"/>)
    /// and queues its re-screen when it was written. A concurrent change throws a 409/412 <see cref="Azure.RequestFailedException"/>.
    /// </summary>
    public async Task<ConsentWrite> PutAsync(ConsentRecord record, long? expectedVersion, string changedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var write = await register.PutAsync(record, expectedVersion, changedBy, cancellationToken);
        if (write.Written)
        {
            await outbox.SendAsync([new SubjectRef(record.School, record.SubjectId)], cancellationToken);
        }

        return write;
    }

    /// <summary>
    /// Withdraws a subject's consent from <paramref name="on"/> (today when null), keeping the history, and
    /// queues the re-screen. An earlier (or the same) withdrawal date stays and nothing is written
    /// (<see cref="ConsentWriteOutcome.Unchanged"/>); a date before the record's <c>valid_from</c> is refused
    /// (<see cref="ConsentWriteOutcome.BeforeValidFrom"/>); <see cref="ConsentWriteOutcome.Missing"/> when the
    /// school has no record for the subject. See <see cref="TableConsentRegister.WithdrawAsync"/>.
    /// </summary>
    public async Task<ConsentWrite> WithdrawAsync(string school, string subjectId, DateOnly? on, string changedBy, CancellationToken cancellationToken)
    {
        var write = await register.WithdrawAsync(school, subjectId, on, options.Today(clock.GetUtcNow()), changedBy, cancellationToken);
        if (write.Written)
        {
            await outbox.SendAsync([new SubjectRef(school, subjectId)], cancellationToken);
            LogWithdrawn(school, subjectId, write.Record!.Version);
        }

        return write;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consent of {School} {SubjectId} withdrawn (version {Version}); its items are queued for re-screening")]
    private partial void LogWithdrawn(string school, string subjectId, long version);
}
