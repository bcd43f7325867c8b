using System.Globalization;
using Azure.Data.Tables;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Lifecycle;

/// <summary>
/// The daily run (SPEC §7): consent changes by date alone too. A record whose <c>valid_until</c> passed,
/// whose <c>withdrawn_on</c> or <c>valid_from</c> arrived since the last run queues a re-screen of its
/// subject. The last day handled is kept in the <c>runs</c> table; a run that fails half-way queues the
/// same subjects again next time, which is harmless (re-screening is idempotent). It also queues again
/// every re-screen still owed in the outbox, whatever its age: the daily backstop of the sweep. Last, it
/// reconciles every item with the register as it is today (<see cref="ItemReconciliation"/>), so a lost
/// message or a crash never leaves an item published that its consents no longer allow.
/// </summary>
public sealed partial class ConsentExpiry(
    MediaStorage storage,
    TableConsentRegister register,
    RescreenOutbox outbox,
    ItemReconciliation reconciliation,
    ConsentOptions options,
    TimeProvider clock,
    ILogger<ConsentExpiry> logger)
{
    private const string Partition = "consent-dates";
    private const string Row = "last-day";

    /// <summary>Queues the re-screens for every date passed since the last run; returns how many subjects.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken) => (await RunDailyAsync(cancellationToken)).DatesPassed;

    /// <summary>The daily run, as <see cref="RunAsync"/>; returns what it did.</summary>
    public async Task<ConsentExpiryRun> RunDailyAsync(CancellationToken cancellationToken)
    {
        var today = options.Today(clock.GetUtcNow());
        var last = await storage.Runs.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: cancellationToken);
        var since = last.HasValue && DateOnly.TryParseExact(last.Value!.GetString("Day"), ConsentFields.DateFormat, out var day)
            ? day
            : today.AddDays(-1);

        bool Passed(DateOnly? date) => date is { } d && d > since && d <= today;
        var due = (await register.ExportAsync(cancellationToken))
            .Where(r => Passed(r.ValidUntil.AddDays(1)) || Passed(r.WithdrawnOn) || Passed(r.ValidFrom))
            .Select(r => new SubjectRef(r.School, r.SubjectId))
            .ToList();
        foreach (var subject in due)
        {
            await outbox.QueueAsync(new RescreenRequest(subject.School, subject.SubjectId, RescreenRequest.DatePassed), cancellationToken);
        }

        var requeued = await outbox.RequeueAsync(TimeSpan.Zero, cancellationToken);
        var reconciled = await reconciliation.RunAsync(cancellationToken);
        var at = clock.GetUtcNow();
        await storage.Runs.UpsertEntityAsync(
            new TableEntity(Partition, Row) { ["Day"] = ConsentFields.Format(today), ["At"] = at },
            TableUpdateMode.Replace,
            cancellationToken);
        LogQueued(due.Count, ConsentFields.Format(since), ConsentFields.Format(today));
        return new ConsentExpiryRun(since, today, at, due.Count, requeued, reconciled);
    }

    /// <summary>The last daily run that finished (the day it handled, and when), or null when none has.</summary>
    public async Task<(DateOnly Day, DateTimeOffset? At)?> LastRunAsync(CancellationToken cancellationToken)
    {
        var last = await storage.Runs.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: cancellationToken);
        if (!last.HasValue)
        {
            return null;
        }

        return DateOnly.TryParseExact(last.Value!.GetString("Day"), ConsentFields.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? (day, last.Value.GetDateTimeOffset("At"))
            : throw new InvalidDataException("The last daily run in the runs table has no day.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consent dates passed after {Since} up to {Today}: {Count} subject(s) queued for re-screening")]
    private partial void LogQueued(int count, string since, string today);
}

/// <summary>What one daily run did.</summary>
/// <param name="Since">The last day handled before (dates after it and up to <paramref name="Today"/> counted).</param>
/// <param name="Today">The day handled, in the schools' time zone.</param>
/// <param name="At">When the run finished.</param>
/// <param name="DatesPassed">Subjects queued for re-screening because a date in their record passed.</param>
/// <param name="Requeued">Re-screens owed in the outbox that were queued again.</param>
/// <param name="Reconciled">Items whose state changed in the reconciliation.</param>
public sealed record ConsentExpiryRun(DateOnly Since, DateOnly Today, DateTimeOffset At, int DatesPassed, int Requeued, int Reconciled);
