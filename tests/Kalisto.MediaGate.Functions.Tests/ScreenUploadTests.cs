using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Functions.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ScreenUploadTests(Azurite azurite)
{
    [Fact]
    public async Task The_function_screens_an_upload_as_the_host_invokes_it()
    {
        await using var host = await FunctionsHost.StartAsync(azurite, clock: new FixedClock(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero)));
        var storage = host.Services.GetRequiredService<MediaStorage>();
        await host.Services.GetRequiredService<TableConsentRegister>().ImportAsync([Records.Valid("de-wilg", "LL-1001", "Emma de Vries", "newsletter", "website")], "test", CancellationToken.None);
        await storage.Uploads.UploadFixtureAsync("de-wilg/sportdag/emma.jpg", "xmp-dc-subject.jpg");
        await storage.Uploads.UploadFixtureAsync("de-wilg/sportdag/IMG_0002.jpg", "untagged.jpg");

        var function = host.Function<ScreenUpload>();
        foreach (var name in new[] { "de-wilg/sportdag/emma.jpg", "de-wilg/sportdag/IMG_0002.jpg" })
        {
            await function.RunAsync(storage.Uploads.GetBlobClient(name), name, CancellationToken.None);
        }

        // The tagged photo waits for its faces, unpublished, until RedactImage has looked (from the redact queue).
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal(1, await host.DrainImagingAsync());
        Assert.Equal(["de-wilg/sportdag/emma.jpg"], await storage.Approved.NamesAsync());
        Assert.Equal(["de-wilg/sportdag/IMG_0002.jpg", "de-wilg/sportdag/emma.jpg"], await storage.Quarantine.NamesAsync()); // every original
        Assert.Empty(await storage.Uploads.NamesAsync());
    }

    [Fact]
    public async Task Invalid_options_stop_the_app_at_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => FunctionsHost.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["MediaGate:Storage:ApprovedContainer"] = "Approved_Items",
        }));

        Assert.Contains("ApprovedContainer", error.Message, StringComparison.Ordinal);
    }
}
