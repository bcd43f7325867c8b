using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Storage.Tests.Lifecycle;

/// <summary>The re-screens a consent change owes: kept in the register's own transaction, drained whatever happened to the message.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RescreenOutboxTests(Azurite azurite)
{
    private static readonly ConsentRecord[] Four =
    [
        Records.Valid("de-wilg", "LL-1001", "Emma de Vries"),
        Records.Valid("de-wilg", "LL-1002", "Noah Bakker"),
        Records.Valid("de-wilg", "LL-1003", "Fenna Smit"),
        Records.Valid("de-wilg", "LL-1004", "Bram Smit"),
    ];

    [Fact]
    public async Task An_import_cancelled_half_way_owes_a_re_screen_for_every_record_it_wrote_and_rescreen_drains_them()
    {
        var fault = new FaultInjection();
        var storage = await azurite.NewStorageAsync(fault);
        await using var services = Pipelines.Create(storage);
        using var cancel = new CancellationTokenSource();
        var transactions = 0;
        fault.FailWhen(r =>
        {
            if (IsTransaction(r) && ++transactions == 3)
            {
                cancel.Cancel(); // after two committed transactions, while the third is being sent
            }

            return false;
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            services.GetRequiredService<ConsentChanges>().ImportAsync(Four, "test", cancel.Token));

        fault.FailWhen(null);
        var outbox = services.GetRequiredService<RescreenOutbox>();
        Assert.Equal(["LL-1001", "LL-1002"], (await services.GetRequiredService<TableConsentRegister>().GetSchoolAsync("de-wilg", CancellationToken.None)).Select(r => r.SubjectId));
        Assert.Equal(["LL-1001", "LL-1002"], (await outbox.PendingAsync(TimeSpan.Zero, CancellationToken.None)).Select(r => r.SubjectId));
        Assert.Empty((await storage.RescreenQueue.PeekMessagesAsync(32)).Value); // cancelled before it queued them

        var handled = 0;
        foreach (var request in await outbox.PendingAsync(TimeSpan.Zero, CancellationToken.None))
        {
            await outbox.HandleAsync(request, (_, _) => Task.FromResult(handled++), CancellationToken.None);
        }

        Assert.Equal(2, handled);
        Assert.Empty(await outbox.PendingAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task An_import_crashed_half_way_owes_its_re_screens_and_the_sweep_queues_them_once_they_are_stale()
    {
        var fault = new FaultInjection();
        var storage = await azurite.NewStorageAsync(fault);
        var clock = new FixedClock(Pipelines.Now);
        await using var services = Pipelines.Create(storage, clock);
        var transactions = 0;
        fault.FailWhen(r => IsTransaction(r) && ++transactions == 3); // the process dies sending the third

        await Assert.ThrowsAnyAsync<Exception>(() => services.GetRequiredService<ConsentChanges>().ImportAsync(Four, "test", CancellationToken.None));

        fault.FailWhen(null);
        var outbox = services.GetRequiredService<RescreenOutbox>();
        Assert.Equal(["LL-1001", "LL-1002"], (await outbox.PendingAsync(TimeSpan.Zero, CancellationToken.None)).Select(r => r.SubjectId));
        Assert.Equal(0, await outbox.RequeueAsync(RescreenOutbox.StaleAfter, CancellationToken.None)); // too young: its message may be on its way
        clock.Now = Pipelines.Now + RescreenOutbox.StaleAfter + TimeSpan.FromMinutes(1);
        Assert.Equal(2, await outbox.RequeueAsync(RescreenOutbox.StaleAfter, CancellationToken.None));

        await ConsentLifecycleTests.DrainAsync(storage, services);

        Assert.Empty(await outbox.PendingAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task A_change_committed_during_a_re_screen_keeps_the_outbox_row_for_its_own_re_screen()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        var changes = services.GetRequiredService<ConsentChanges>();
        await changes.ImportAsync([Four[0]], "test", CancellationToken.None);
        var outbox = services.GetRequiredService<RescreenOutbox>();
        var request = new RescreenRequest("de-wilg", "LL-1001", RescreenRequest.ConsentChange);

        await outbox.HandleAsync(request, async (_, ct) =>
        {
            // The re-screen read the register before this withdrawal: it still owes one after it.
            await changes.WithdrawAsync("de-wilg", "LL-1001", null, "privacy officer", ct);
            return 0;
        }, CancellationToken.None);

        Assert.Equal([request], await outbox.PendingAsync(TimeSpan.Zero, CancellationToken.None));
        await outbox.HandleAsync(request, (_, _) => Task.FromResult(0), CancellationToken.None);
        await outbox.HandleAsync(request, (_, _) => Task.FromResult(0), CancellationToken.None); // a redelivery: nothing to delete, no error
        Assert.Empty(await outbox.PendingAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task The_daily_run_queues_every_re_screen_still_owed()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await services.GetRequiredService<ConsentChanges>().ImportAsync(Four, "test", CancellationToken.None);
        await storage.RescreenQueue.ClearMessagesAsync(); // the messages were lost

        await services.GetRequiredService<ConsentExpiry>().RunAsync(CancellationToken.None);

        var queued = (await storage.RescreenQueue.PeekMessagesAsync(32)).Value.Select(m => RescreenRequest.Parse(m.Body.ToString()).SubjectId).Order();
        Assert.Equal(Four.Select(r => r.SubjectId), queued);
    }

    private static bool IsTransaction(Azure.Core.Request request) => request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal);
}
