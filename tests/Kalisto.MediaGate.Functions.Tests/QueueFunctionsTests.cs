using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Previews;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Functions.Tests;

/// <summary>The queue- and timer-triggered functions, given what the host would give them.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueueFunctionsTests(Azurite azurite)
{
    [Fact]
    public async Task A_withdrawal_flows_through_RescreenItems_and_the_photo_leaves_approved()
    {
        await using var host = await FunctionsHost.StartAsync(azurite, clock: new FixedClock(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero)));
        var storage = host.Services.GetRequiredService<MediaStorage>();
        var changes = host.Services.GetRequiredService<ConsentChanges>();
        await changes.ImportAsync([Records.Valid("de-wilg", "LL-1001", "Emma de Vries", "newsletter", "website")], "test", CancellationToken.None);
        await storage.Uploads.UploadFixtureAsync("de-wilg/emma.jpg", "xmp-dc-subject.jpg");
        await host.Function<ScreenUpload>().RunAsync(storage.Uploads.GetBlobClient("de-wilg/emma.jpg"), "de-wilg/emma.jpg", CancellationToken.None);
        await DeliverRescreensAsync(host, storage);
        await host.DrainImagingAsync(); // decided with its faces
        Assert.Equal(["de-wilg/emma.jpg"], await storage.Approved.NamesAsync());

        await changes.WithdrawAsync("de-wilg", "LL-1001", null, "test", CancellationToken.None);
        await DeliverRescreensAsync(host, storage);

        Assert.Empty(await storage.Approved.NamesAsync());
        var item = Assert.Single(await host.Services.GetRequiredService<ItemCatalog>().ListAsync("de-wilg", CancellationToken.None));
        Assert.Equal(Outcome.Quarantined, item.Outcome);
    }

    [Fact]
    public async Task MakePreview_makes_the_preview_each_decision_asks_for()
    {
        await using var host = await FunctionsHost.StartAsync(azurite, clock: new FixedClock(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero)));
        var storage = host.Services.GetRequiredService<MediaStorage>();
        await host.Services.GetRequiredService<ConsentChanges>().ImportAsync([Records.Valid("de-wilg", "LL-1001", "Emma de Vries", "newsletter", "website")], "test", CancellationToken.None);
        await storage.Uploads.UploadFixtureAsync("de-wilg/emma.jpg", "xmp-dc-subject.jpg");
        await host.Function<ScreenUpload>().RunAsync(storage.Uploads.GetBlobClient("de-wilg/emma.jpg"), "de-wilg/emma.jpg", CancellationToken.None);
        await host.DrainImagingAsync(); // the decision, made with the faces, asks for the preview

        var message = Assert.Single((await storage.PreviewsQueue.ReceiveMessagesAsync(32)).Value);
        await host.Function<MakePreview>().RunAsync(message.MessageText, CancellationToken.None);

        var item = Assert.Single(await host.Services.GetRequiredService<ItemCatalog>().ListAsync("de-wilg", CancellationToken.None));
        await using var preview = await host.Services.GetRequiredService<PreviewStore>().OpenAsync(item, CancellationToken.None);
        Assert.NotNull(preview);
    }

    [Fact]
    public async Task ExpireConsents_queues_a_re_screen_for_a_consent_that_ended()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        await using var host = await FunctionsHost.StartAsync(azurite, clock: clock);
        var storage = host.Services.GetRequiredService<MediaStorage>();
        await host.Services.GetRequiredService<ConsentChanges>().ImportAsync([Records.Valid("de-wilg", "LL-1001", "Emma de Vries", "newsletter", "website") with { ValidUntil = new DateOnly(2026, 11, 27) }], "test", CancellationToken.None);
        await host.Function<ExpireConsents>().RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);
        await storage.RescreenQueue.ClearMessagesAsync();

        clock.Now = clock.Now.AddDays(1);
        await host.Function<ExpireConsents>().RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

        var requests = (await storage.RescreenQueue.ReceiveMessagesAsync(32)).Value.Select(m => RescreenRequest.Parse(m.MessageText)).ToList();
        Assert.Contains(new RescreenRequest("de-wilg", "LL-1001", RescreenRequest.DatePassed), requests);
        Assert.All(requests, r => Assert.Equal(("de-wilg", "LL-1001"), (r.School, r.SubjectId))); // and the import's re-screen, still owed
    }

    [Fact]
    public async Task SweepConsentOutbox_queues_a_re_screen_whose_message_was_lost_and_RescreenItems_clears_it()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        await using var host = await FunctionsHost.StartAsync(azurite, clock: clock);
        var storage = host.Services.GetRequiredService<MediaStorage>();
        await host.Services.GetRequiredService<ConsentChanges>().ImportAsync([Records.Valid("de-wilg", "LL-1001", "Emma de Vries")], "test", CancellationToken.None);
        await storage.RescreenQueue.ClearMessagesAsync(); // the process died before queuing
        var sweep = host.Function<SweepConsentOutbox>();

        await sweep.RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);
        Assert.Empty((await storage.RescreenQueue.PeekMessagesAsync(32)).Value); // not yet stale
        clock.Now = clock.Now.AddMinutes(6);
        await sweep.RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);
        await DeliverRescreensAsync(host, storage);

        Assert.Empty(await host.Services.GetRequiredService<RescreenOutbox>().PendingAsync(TimeSpan.Zero, CancellationToken.None));
    }

    /// <summary>What the host does with the rescreen queue: each message to RescreenItems, as text.</summary>
    private static async Task DeliverRescreensAsync(FunctionsHost host, MediaStorage storage)
    {
        var function = host.Function<RescreenItems>();
        foreach (var message in (await storage.RescreenQueue.ReceiveMessagesAsync(32)).Value)
        {
            await function.RunAsync(message.MessageText, message.DequeueCount, CancellationToken.None);
            await storage.RescreenQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
    }
}
