using System.Text;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Storage.Tests.Lifecycle;

[Collection(AzuriteCollection.Name)]
public sealed class ConsentLifecycleTests(Azurite azurite)
{
    [Fact]
    public async Task Withdrawal_takes_an_approved_photo_out_of_approved()
    {
        var (storage, services, clock) = await StartAsync();
        await using var _s = services;
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadFixtureAsync("de-wilg/sportdag/emma.jpg", "xmp-dc-subject.jpg");
        await storage.Uploads.UploadFixtureAsync("de-wilg/sportdag/noah.jpg", "iptc-keywords.jpg");
        await ScreenAllAsync(services, "de-wilg/sportdag/emma.jpg", "de-wilg/sportdag/noah.jpg");
        await DrainAsync(storage, services); // the import's own re-screens change nothing
        Assert.Equal(["de-wilg/sportdag/emma.jpg", "de-wilg/sportdag/noah.jpg"], await storage.Approved.NamesAsync());

        clock.Now = Pipelines.Now.AddHours(2);
        var withdrawal = await services.GetRequiredService<ConsentChanges>().WithdrawAsync("de-wilg", "LL-1001", null, "privacy officer", CancellationToken.None);
        var changed = await DrainAsync(storage, services);

        Assert.Equal(new DateOnly(2026, 11, 27), withdrawal.Record!.WithdrawnOn);
        Assert.Empty(await services.GetRequiredService<RescreenOutbox>().PendingAsync(TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(1, changed);
        Assert.Equal(["de-wilg/sportdag/noah.jpg"], await storage.Approved.NamesAsync());
        Assert.Equal(["de-wilg/sportdag/emma.jpg", "de-wilg/sportdag/noah.jpg"], await storage.Quarantine.NamesAsync()); // the originals
        var catalog = services.GetRequiredService<ItemCatalog>();
        var item = (await catalog.ListAsync("de-wilg", CancellationToken.None)).Single(i => i.Location == "de-wilg/sportdag/emma.jpg");
        Assert.Equal(Outcome.Quarantined, item.Outcome);
        Assert.Equal([new Reason(ReasonCode.ConsentWithdrawn, "LL-1001")], item.Reasons);
        var trail = await catalog.TrailAsync("de-wilg", item.Key, CancellationToken.None);
        Assert.Equal([Outcome.Approved, Outcome.Quarantined], trail.Select(d => d.Decision.Outcome));
        Assert.Equal([1L, 2L], trail.Select(d => d.Decision.ConsentVersions["LL-1001"]));
        var history = await services.GetRequiredService<TableConsentRegister>().HistoryAsync("de-wilg", "LL-1001", CancellationToken.None);
        Assert.Equal(2, history.Count);
        Assert.Equal("privacy officer", history[1].ChangedBy);
        Assert.Null(history[1].Old!.WithdrawnOn);
    }

    [Fact]
    public async Task The_daily_run_takes_down_an_approved_photo_whose_withdrawal_lost_every_re_screen()
    {
        var (storage, services, _) = await StartAsync();
        await using var _s = services;
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadFixtureAsync("de-wilg/sportdag/emma.jpg", "xmp-dc-subject.jpg");
        await storage.Uploads.UploadFixtureAsync("de-wilg/sportdag/noah.jpg", "iptc-keywords.jpg");
        await ScreenAllAsync(services, "de-wilg/sportdag/emma.jpg", "de-wilg/sportdag/noah.jpg");
        await DrainAsync(storage, services);

        // The withdrawal commits; then its message and its outbox row are both lost.
        await services.GetRequiredService<ConsentChanges>().WithdrawAsync("de-wilg", "LL-1001", new DateOnly(2026, 11, 1), "privacy officer", CancellationToken.None);
        await storage.RescreenQueue.ClearMessagesAsync();
        await storage.Consent.DeleteEntityAsync("de-wilg", "~outbox|LL-1001");
        Assert.Equal(["de-wilg/sportdag/emma.jpg", "de-wilg/sportdag/noah.jpg"], await storage.Approved.NamesAsync());

        await services.GetRequiredService<ConsentExpiry>().RunAsync(CancellationToken.None);

        // Taken down by the run itself, not by a queued message.
        Assert.Equal(["de-wilg/sportdag/noah.jpg"], await storage.Approved.NamesAsync());
        var emma = (await services.GetRequiredService<ItemCatalog>().ListAsync("de-wilg", CancellationToken.None)).Single(i => i.Location == "de-wilg/sportdag/emma.jpg");
        Assert.Equal([new Reason(ReasonCode.ConsentWithdrawn, "LL-1001")], emma.Reasons);
        Assert.Equal("reconcile", (await services.GetRequiredService<ItemCatalog>().TrailAsync("de-wilg", emma.ItemId, CancellationToken.None))[^1].Trigger);
    }

    [Fact]
    public async Task The_daily_run_takes_down_a_copy_that_a_crashed_attempt_left_in_approved()
    {
        var (storage, services, _) = await StartAsync();
        await using var _s = services;
        await Pipelines.ImportPeopleAsync(services, change: p => p with { WithdrawnOn = new DateOnly(2026, 11, 1) });
        await storage.Uploads.UploadFixtureAsync("de-wilg/sportdag/emma.jpg", "xmp-dc-subject.jpg");
        await ScreenAllAsync(services, "de-wilg/sportdag/emma.jpg");
        var item = Assert.Single(await services.GetRequiredService<ItemCatalog>().ListAsync("de-wilg", CancellationToken.None));
        Assert.Equal(Outcome.Quarantined, item.Outcome);

        // An attempt that published this item's copy, then died before it recorded anything, and whose
        // message was given up: no row knows of the copy.
        var copy = storage.Approved.GetBlobClient("de-wilg/sportdag/emma.jpg");
        await copy.UploadAsync(new BinaryData(await storage.Quarantine.ReadAsync("de-wilg/sportdag/emma.jpg")), new Azure.Storage.Blobs.Models.BlobUploadOptions
        {
            Metadata = new Dictionary<string, string> { ["mediagate_item"] = item.ItemId, ["mediagate_source_etag"] = item.SourceETag, ["mediagate_copy"] = "stripped" },
        });

        await services.GetRequiredService<ConsentExpiry>().RunAsync(CancellationToken.None);

        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal(["de-wilg/sportdag/emma.jpg"], await storage.Quarantine.NamesAsync());
    }

    [Fact]
    public async Task One_item_that_cannot_be_settled_neither_keeps_the_others_published_nor_goes_unnamed()
    {
        var fault = new FaultInjection();
        var storage = await azurite.NewStorageAsync(fault);
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadFixtureAsync("de-wilg/sportdag/emma.jpg", "xmp-dc-subject.jpg");
        await storage.Uploads.UploadFixtureAsync("de-wilg/sportdag/emma-2.jpg", "exif-xpkeywords.jpg");
        await ScreenAllAsync(services, "de-wilg/sportdag/emma.jpg", "de-wilg/sportdag/emma-2.jpg");
        await DrainAsync(storage, services);
        var stuck = (await services.GetRequiredService<ItemCatalog>().ListAsync("de-wilg", CancellationToken.None)).Single(i => i.Location == "de-wilg/sportdag/emma.jpg");
        await services.GetRequiredService<ConsentChanges>().WithdrawAsync("de-wilg", "LL-1001", null, "test", CancellationToken.None);

        // Every read of one item's row fails.
        fault.FailWhen(r => r.Method == Azure.Core.RequestMethod.Get && Uri.UnescapeDataString(r.Uri.ToString()).Contains("item|" + stuck.ItemId, StringComparison.Ordinal));
        var failure = await Assert.ThrowsAsync<AggregateException>(() => services.GetRequiredService<ItemRescreening>()
            .RescreenAsync(new RescreenRequest("de-wilg", "LL-1001", RescreenRequest.ConsentChange), CancellationToken.None));

        var item = Assert.IsType<ItemSettleException>(Assert.Single(failure.InnerExceptions));
        Assert.Equal(stuck.ItemId, item.ItemId);
        Assert.Equal(["de-wilg/sportdag/emma.jpg"], await storage.Approved.NamesAsync()); // only the stuck one is still published
        fault.FailWhen(null);
        await DrainAsync(storage, services); // the message again: now it settles
        Assert.Empty(await storage.Approved.NamesAsync());
    }

    [Fact]
    public async Task Late_consent_releases_quarantined_photos_by_id_and_by_name()
    {
        var (storage, services, _) = await StartAsync();
        await using var _s = services;
        await storage.Uploads.UploadFixtureAsync("de-wilg/sportdag/emma.jpg", "xmp-dc-subject.jpg"); // LL-1001
        await storage.Uploads.UploadFixtureAsync("de-wilg/sportdag/emma-naam.jpg", "xmp-personinimage.jpg"); // "Emma de Vries", LL-1002
        await ScreenAllAsync(services, "de-wilg/sportdag/emma.jpg", "de-wilg/sportdag/emma-naam.jpg");
        Assert.Equal(2, (await storage.Quarantine.NamesAsync()).Count);

        await Pipelines.ImportPeopleAsync(services); // the forms arrive a week late
        await DrainAsync(storage, services);

        Assert.Equal(["de-wilg/sportdag/emma-naam.jpg", "de-wilg/sportdag/emma.jpg"], await storage.Approved.NamesAsync());
        Assert.Equal(2, (await storage.Quarantine.NamesAsync()).Count); // the originals stay
        var published = await storage.Approved.ReadAsync("de-wilg/sportdag/emma-naam.jpg");
        Assert.DoesNotContain("Emma", Encoding.UTF8.GetString(published), StringComparison.Ordinal);
        var items = await services.GetRequiredService<ItemCatalog>().ListAsync("de-wilg", CancellationToken.None);
        Assert.All(items, i => Assert.Equal(Outcome.Approved, i.Outcome));
    }

    [Fact]
    public async Task Consent_that_expires_by_date_quarantines_the_photo_on_the_daily_run()
    {
        var clock = new FixedClock(Pipelines.Now);
        var (storage, services, _) = await StartAsync(clock);
        await using var _s = services;
        await Pipelines.ImportPeopleAsync(services, change: p => p with { ValidUntil = new DateOnly(2026, 11, 30) });
        await storage.Uploads.UploadFixtureAsync("de-wilg/emma.jpg", "xmp-dc-subject.jpg");
        await ScreenAllAsync(services, "de-wilg/emma.jpg");
        await DrainAsync(storage, services);
        var expiry = services.GetRequiredService<ConsentExpiry>();
        Assert.Equal(0, await expiry.RunAsync(CancellationToken.None)); // 27 November: nothing passed yet

        clock.Now = new DateTimeOffset(2026, 12, 1, 1, 30, 0, TimeSpan.Zero); // 02:30 in Amsterdam
        var queued = await expiry.RunAsync(CancellationToken.None);
        await DrainAsync(storage, services);

        Assert.Equal(3, queued); // every record of the school ended on 30 November
        Assert.Empty(await storage.Approved.NamesAsync());
        var item = Assert.Single(await services.GetRequiredService<ItemCatalog>().ListAsync("de-wilg", CancellationToken.None));
        Assert.Equal([new Reason(ReasonCode.ConsentExpired, "LL-1001")], item.Reasons);
        Assert.Equal(0, await expiry.RunAsync(CancellationToken.None)); // the same day again: already done
    }

    [Fact]
    public async Task A_rescreen_message_delivered_twice_moves_once_and_records_one_decision()
    {
        var (storage, services, clock) = await StartAsync();
        await using var _s = services;
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadFixtureAsync("de-wilg/emma.jpg", "xmp-dc-subject.jpg");
        await ScreenAllAsync(services, "de-wilg/emma.jpg");
        await DrainAsync(storage, services);
        clock.Now = Pipelines.Now.AddHours(2);
        await Pipelines.ImportPeopleAsync(services, change: p => p with { Channels = ["newsletter", "website"] });
        var messages = (await storage.RescreenQueue.ReceiveMessagesAsync(32)).Value;
        var emma = messages.Select(m => RescreenRequest.Parse(m.MessageText)).Single(r => r.SubjectId == "LL-1001");
        var rescreening = services.GetRequiredService<ItemRescreening>();

        Assert.Equal(1, await rescreening.RescreenAsync(emma, CancellationToken.None));
        Assert.Equal(0, await rescreening.RescreenAsync(emma, CancellationToken.None));

        var item = Assert.Single(await services.GetRequiredService<ItemCatalog>().ListAsync("de-wilg", CancellationToken.None));
        Assert.Equal(["newsletter", "website"], item.Channels);
        Assert.Equal(2, (await services.GetRequiredService<ItemCatalog>().TrailAsync("de-wilg", item.Key, CancellationToken.None)).Count);
        var properties = (await storage.Approved.GetBlobClient("de-wilg/emma.jpg").GetPropertiesAsync()).Value;
        Assert.Equal("newsletter;website", properties.Metadata["mediagate_channels"]);
    }

    [Fact]
    public async Task Two_subjects_re_screened_at_once_record_one_decision_for_their_shared_photo()
    {
        var (storage, services, clock) = await StartAsync();
        await using var _s = services;
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadFixtureAsync("de-wilg/samen.jpg", "xmp-personinimage.jpg"); // Emma (by name) and LL-1002
        await ScreenAllAsync(services, "de-wilg/samen.jpg");
        await DrainAsync(storage, services);
        clock.Now = Pipelines.Now.AddHours(2);
        await Pipelines.ImportPeopleAsync(services, change: p => p with { Channels = ["website"] });
        var requests = (await storage.RescreenQueue.ReceiveMessagesAsync(32)).Value.Select(m => RescreenRequest.Parse(m.MessageText)).ToList();
        var rescreening = services.GetRequiredService<ItemRescreening>();

        var changed = await Task.WhenAll(requests.Select(r => rescreening.RescreenAsync(r, CancellationToken.None)));

        Assert.Equal(3, requests.Count);
        Assert.Equal(1, changed.Sum());
        var item = Assert.Single(await services.GetRequiredService<ItemCatalog>().ListAsync("de-wilg", CancellationToken.None));
        Assert.Equal(["website"], item.Channels);
        Assert.Equal(2, (await services.GetRequiredService<ItemCatalog>().TrailAsync("de-wilg", item.Key, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_crash_in_the_middle_of_a_move_then_redelivery_leaves_the_item_in_one_place()
    {
        var fault = new FaultInjection();
        var storage = await azurite.NewStorageAsync(fault);
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadFixtureAsync("de-wilg/emma.jpg", "xmp-dc-subject.jpg");
        await ScreenAllAsync(services, "de-wilg/emma.jpg");
        await DrainAsync(storage, services);
        await services.GetRequiredService<ConsentChanges>().WithdrawAsync("de-wilg", "LL-1001", null, "test", CancellationToken.None);
        var message = Assert.Single((await storage.RescreenQueue.ReceiveMessagesAsync(32)).Value);
        var request = RescreenRequest.Parse(message.MessageText);
        var rescreening = services.GetRequiredService<ItemRescreening>();

        // Dies after the copy into quarantine, before the decision is recorded.
        fault.FailWhen(MoveSteps.IsTransaction);
        await Assert.ThrowsAnyAsync<Exception>(() => rescreening.RescreenAsync(request, CancellationToken.None));
        Assert.Equal(["de-wilg/emma.jpg"], await storage.Approved.NamesAsync()); // not removed before recorded
        fault.FailWhen(null);
        await rescreening.RescreenAsync(request, CancellationToken.None);

        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal(["de-wilg/emma.jpg"], await storage.Quarantine.NamesAsync());
    }

    private async Task<(MediaStorage Storage, ServiceProvider Services, FixedClock Clock)> StartAsync(FixedClock? clock = null)
    {
        clock ??= new FixedClock(Pipelines.Now);
        var storage = await azurite.NewStorageAsync();
        return (storage, Pipelines.Create(storage, clock), clock);
    }

    /// <summary>Screens the uploads, then runs the imaging worker's queue (the face detection an approval waits for).</summary>
    private static async Task ScreenAllAsync(ServiceProvider services, params string[] names)
    {
        foreach (var name in names)
        {
            await services.GetRequiredService<UploadScreening>().ScreenAsync(name, CancellationToken.None);
        }

        await Pipelines.DrainImagingAsync(services, services.GetRequiredService<MediaStorage>());
    }

    /// <summary>
    /// What RescreenItems does with the queued messages: each through the outbox; then the imaging worker's queue
    /// (an item that consent now allows waits for its faces). The number of items the re-screens changed.
    /// </summary>
    internal static async Task<int> DrainAsync(MediaStorage storage, ServiceProvider services)
    {
        var rescreening = services.GetRequiredService<ItemRescreening>();
        var outbox = services.GetRequiredService<RescreenOutbox>();
        var changed = 0;
        var (_, failed) = await QueueDrain.RunAsync(storage.RescreenQueue, async (message, ct) =>
            changed += await outbox.HandleAsync(RescreenRequest.Parse(message), rescreening.RescreenAsync, ct), 1, CancellationToken.None);
        Assert.Equal(0, failed);
        await Pipelines.DrainImagingAsync(services, storage);
        return changed;
    }
}
