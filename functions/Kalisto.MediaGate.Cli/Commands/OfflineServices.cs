using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Imaging;
using Kalisto.MediaGate.Imaging.Faces;
using Kalisto.MediaGate.Tags;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// What the commands without storage (<c>screen DIR</c>, <c>demo</c>, <c>inspect --consent</c>) screen with: Core's and
/// Imaging's services, wired by <c>AddMediaGateCore()</c> and <c>AddMediaGateImaging()</c> from the same configuration as
/// a storage session (environment variables such as <c>MediaGate__Consent__SubjectIdPattern</c>), options validated first.
/// </summary>
internal sealed class OfflineServices : IDisposable
{
    private readonly ServiceProvider _services;

    private OfflineServices(ServiceProvider services) => _services = services;

    public ConsentOptions Consent => Get<ConsentOptions>();

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    /// <summary>The services, or null (with the reason printed) when the configuration is not valid.</summary>
    /// <param name="console">Where the reason of an invalid configuration is printed, and whose settings are added to the environment's.</param>
    /// <param name="name">The command's name, for its messages.</param>
    /// <param name="configure">
    /// Registers services before Core's and Imaging's (which add theirs only where none is registered): for tests, a
    /// scripted face detector.
    /// </param>
    public static OfflineServices? Create(CliConsole console, string name, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(console.Settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        (configure ?? console.Services)?.Invoke(services);
        services.AddMediaGateCore().AddMediaGateImaging();
        var provider = services.BuildServiceProvider();
        try
        {
            // What a host does at start: options are validated before anything runs.
            _ = provider.GetRequiredService<IOptions<ConsentOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<TagReaderOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<ImagingOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<FaceDetectionOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<Faces.FaceOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            provider.Dispose();
            console.Error.WriteLine($"mediagate {name}: the configuration is not valid: {e.Message}");
            return null;
        }

        return new OfflineServices(provider);
    }

    public void Dispose() => _services.Dispose();
}
