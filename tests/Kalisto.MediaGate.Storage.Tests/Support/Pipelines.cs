using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>MediaGate wired by <c>AddMediaGateCore</c>, <c>…Imaging</c> and <c>…Storage</c>, as the Functions app and the command line wire it, on a test's storage.</summary>
internal static class Pipelines
{
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 11, 0, 0, TimeSpan.Zero);

    /// <param name="storage">The test's storage.</param>
    /// <param name="clock">The clock (default: fixed at <see cref="Now"/>).</param>
    /// <param name="settings">Configuration values over the defaults.</param>
    /// <param name="configure">
    /// Registers services before MediaGate's are added, which add theirs only where none is (a scripted
    /// <see cref="Kalisto.MediaGate.Faces.IFaceDetector"/>, for one).
    /// </param>
    public static ServiceProvider Create(MediaStorage storage, TimeProvider? clock = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["MediaStorage"] = "UseDevelopmentStorage=true", // replaced by the test's storage below
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton(storage)
            .AddSingleton(clock ?? new FixedClock(Now));
        configure?.Invoke(services);
        services.AddMediaGateCore().AddMediaGateImaging().AddMediaGateStorage();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>
    /// Screens an upload, then runs the imaging worker's queue until it is empty (the face detection that an image
    /// its tags would publish waits for, then any redaction), as the Functions app's triggers do one after the
    /// other; the item's state afterwards, or null when the upload was gone.
    /// </summary>
    public static async Task<ItemState?> ScreenAsync(ServiceProvider services, MediaStorage storage, string name)
    {
        var screened = await services.GetRequiredService<UploadScreening>().ScreenAsync(name, CancellationToken.None);
        if (screened is null)
        {
            return null;
        }

        await DrainImagingAsync(services, storage);
        return (await services.GetRequiredService<ItemCatalog>().GetAsync(screened.School, screened.ItemId, CancellationToken.None))?.State;
    }

    /// <summary>Runs the imaging worker's queue (face detection and redaction) until it is empty; throws when a message failed.</summary>
    public static async Task<int> DrainImagingAsync(ServiceProvider services, MediaStorage storage)
    {
        var failures = new List<string>();
        var (handled, failed) = await RunImagingAsync(services, storage, e => failures.Add($"{e.GetType().Name}: {e.Message}"));
        Assert.True(failed == 0, $"{failed} message(s) of the imaging queue failed: {string.Join("; ", failures)}");
        return handled;
    }

    /// <summary>Runs the imaging worker's queue until it is empty, one message at a time, telling <paramref name="failed"/> each failure.</summary>
    public static Task<(int Handled, int Failed)> RunImagingAsync(ServiceProvider services, MediaStorage storage, Action<Exception> failed)
    {
        var publishing = services.GetRequiredService<RedactionPublishing>();
        return QueueDrain.RunAsync(
            storage.RedactQueue,
            async (m, ct) =>
            {
                await publishing.PublishAsync(RedactionPublishing.Parse(m), ct);
                return QueueDrain.Handling.Handled;
            },
            1,
            CancellationToken.None,
            (_, e) => failed(e));
    }

    /// <summary>The register of the test fixtures' people (see Data/README.md), all consenting to every channel.</summary>
    public static async Task ImportPeopleAsync(ServiceProvider services, string school = "de-wilg", Func<ConsentRecord, ConsentRecord>? change = null)
    {
        var register = services.GetRequiredService<Kalisto.MediaGate.Storage.Lifecycle.ConsentChanges>();
        ConsentRecord[] people =
        [
            Records.Valid(school, "LL-1001", "Emma de Vries"),
            Records.Valid(school, "LL-1002", "Noah Bakker"),
            Records.Valid(school, "MW-2001", "Sanne Jansen"),
        ];
        await register.ImportAsync([.. people.Select(change ?? (p => p))], "test", CancellationToken.None);
    }
}
