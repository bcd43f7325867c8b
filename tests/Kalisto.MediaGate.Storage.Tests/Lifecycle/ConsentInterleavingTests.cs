using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Storage.Tests.Pipeline;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Storage.Tests.Lifecycle;

/// <summary>
/// The guarantee of SPEC §7 under interleaving: a consent change (withdrawal, expiry, new consent) is
/// committed before each single storage request of a screening, a re-screen for another subject, and a
/// redaction; then everything queued runs to the end. Every item must then be where a fresh decision over
/// the final register puts it, with its copies in exactly the right place.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConsentInterleavingTests(Azurite azurite)
{
    private const string School = "de-wilg";
    private static readonly DateOnly Yesterday = new(2026, 11, 26);

    private static readonly (string Upload, string Fixture)[] Uploads =
    [
        ("de-wilg/sportdag/emma.jpg", "xmp-dc-subject.jpg"), // LL-1001
        ("de-wilg/sportdag/noah.jpg", "iptc-keywords.jpg"), // LL-1002
        ("de-wilg/sportdag/samen.jpg", "xmp-personinimage.jpg"), // "Emma de Vries" (LL-1001) and LL-1002
        ("de-wilg/sportdag/IMG_0001.jpg", "untagged.jpg"),
    ];

    public static TheoryData<string> Changes => ["withdrawal", "expiry", "new consent"];

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task A_consent_change_at_any_step_of_screening_ends_as_a_fresh_decision_would(string change)
    {
        var steps = await CountAsync(change, ScreenAllAsync);
        Assert.InRange(steps, 12, 200);
        for (var step = 0; step < steps; step++)
        {
            await RunAsync(change, step, ScreenAllAsync);
        }
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task A_consent_change_at_any_step_of_a_re_screen_for_another_subject_ends_as_a_fresh_decision_would(string change)
    {
        static async Task RescreenOtherAsync(ServiceProvider services)
        {
            // A re-screen for LL-1002 (it reaches samen.jpg, tagged with LL-1001 too), already holding its read of the register.
            await services.GetRequiredService<ItemRescreening>().RescreenAsync(new RescreenRequest(School, "LL-1002", RescreenRequest.ConsentChange), CancellationToken.None);
        }

        var steps = await CountAsync(change, RescreenOtherAsync, screenFirst: true);
        Assert.InRange(steps, 4, 200);
        for (var step = 0; step < steps; step++)
        {
            await RunAsync(change, step, RescreenOtherAsync, screenFirst: true);
        }
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task A_consent_change_at_any_step_of_a_redaction_ends_as_a_fresh_decision_would(string change)
    {
        static async Task RedactAsync(ServiceProvider services)
        {
            var storage = services.GetRequiredService<MediaStorage>();
            var publishing = services.GetRequiredService<RedactionPublishing>();
            await QueueDrain.RunAsync(storage.RedactQueue, (m, ct) => publishing.PublishAsync(RedactionPublishing.Parse(m), ct), 1, CancellationToken.None);
        }

        var steps = await CountAsync(change, RedactAsync, screenFirst: true, faces: true);
        Assert.InRange(steps, 3, 200);
        for (var step = 0; step < steps; step++)
        {
            await RunAsync(change, step, RedactAsync, screenFirst: true, faces: true);
        }
    }

    private static async Task ScreenAllAsync(ServiceProvider services)
    {
        var screening = services.GetRequiredService<UploadScreening>();
        var storage = services.GetRequiredService<MediaStorage>();
        foreach (var name in await storage.Uploads.NamesAsync())
        {
            await screening.ScreenAsync(name, CancellationToken.None);
        }
    }

    private async Task<int> CountAsync(string change, Func<ServiceProvider, Task> phase, bool screenFirst = false, bool faces = false)
    {
        var interleaving = new Interleaving();
        var (services, _) = await StartAsync(interleaving, change, screenFirst, faces);
        await using var _s = services;
        interleaving.Count();
        await phase(services);
        return interleaving.Seen;
    }

    private async Task RunAsync(string change, int step, Func<ServiceProvider, Task> phase, bool screenFirst = false, bool faces = false)
    {
        var interleaving = new Interleaving();
        var (services, storage) = await StartAsync(interleaving, change, screenFirst, faces);
        await using var _s = services;
        interleaving.At(step, async () =>
        {
            // The change, and the re-screen it queues run to the end, all between two requests of the phase:
            // the phase then goes on with what it read before.
            await ChangeAsync(services, change);
            await EndState.FinishAsync(services, storage);
        });
        await phase(services);
        interleaving.At(-1, null);
        await EndState.FinishAsync(services, storage);
        await EndState.AssertAsFreshDecisionAsync(services, storage, $"{change} before request {step}");
    }

    private async Task<(ServiceProvider Services, MediaStorage Storage)> StartAsync(Interleaving interleaving, string change, bool screenFirst, bool faces)
    {
        var storage = await azurite.NewStorageAsync(interleaving);
        var services = Pipelines.Create(storage);
        // A new consent is for a subject who starts without one: LL-1001, or LL-1002 in the photo with faces.
        await Pipelines.ImportPeopleAsync(services, change: change == "new consent" && !faces
            ? p => p.SubjectId == "LL-1001" ? p with { WithdrawnOn = Yesterday.AddDays(-20) } : p
            : null);
        if (faces)
        {
            // LL-1002 may not be shown, so LL-1002's face is redacted.
            var photo = RedactionPublishingTests.WithFaces(("LL-1001", 0.3), ("LL-1002", 0.7));
            await storage.Uploads.UploadAsync("de-wilg/sportdag/finish.jpg", photo);
            await services.GetRequiredService<ConsentChanges>().WithdrawAsync(School, "LL-1002", Yesterday, "test", CancellationToken.None);
        }
        else
        {
            foreach (var (upload, fixture) in Uploads)
            {
                await storage.Uploads.UploadFixtureAsync(upload, fixture);
            }
        }

        if (screenFirst)
        {
            await ScreenAllAsync(services);
            if (!faces)
            {
                await EndState.FinishAsync(services, storage); // the redaction asked for is the phase under test
            }
        }

        return (services, storage);
    }

    /// <summary>The change under test, committed through the register as the privacy officer would.</summary>
    private static async Task ChangeAsync(ServiceProvider services, string change)
    {
        var changes = services.GetRequiredService<ConsentChanges>();
        switch (change)
        {
            case "withdrawal":
                await changes.WithdrawAsync(School, "LL-1001", null, "test", CancellationToken.None);
                break;
            case "expiry":
                await changes.ImportAsync([Records.Valid(School, "LL-1001", "Emma de Vries") with { ValidFrom = new DateOnly(2025, 8, 1), ValidUntil = Yesterday }], "test", CancellationToken.None);
                break;
            default:
                var faces = (await services.GetRequiredService<TableConsentRegister>().GetAsync(School, "LL-1002", CancellationToken.None))!.WithdrawnOn is not null;
                var subject = faces ? "LL-1002" : "LL-1001";
                var name = faces ? "Noah Bakker" : "Emma de Vries";
                await changes.ImportAsync([Records.Valid(School, subject, name) with { Evidence = "form-2026-new" }], "test", CancellationToken.None);
                break;
        }
    }
}
