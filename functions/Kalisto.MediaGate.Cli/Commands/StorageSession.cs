using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// MediaGate on a storage account for one command: wired by the same <c>AddMediaGateCore()</c>, <c>…Imaging()</c>, <c>…Storage()</c> and <c>…Web()</c> as the
/// Functions app, with the connection given on the command line (<c>UseDevelopmentStorage=true</c> for
/// Azurite). Containers, tables and queues are created when missing.
/// </summary>
internal sealed class StorageSession : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private StorageSession(ServiceProvider services) => _services = services;

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    /// <param name="connection">The connection string given with <c>--storage</c>.</param>
    /// <param name="snapshotRegister">Read each school's register once for the whole run (batch screening).</param>
    /// <param name="ct">Cancels creating the containers, tables and queues.</param>
    /// <param name="clock">The time every step of the session decides at (<c>--now</c>); the system clock when null.</param>
    /// <param name="clients">Retries and timeouts of the clients (default: <see cref="StorageClientSettings.FromEnvironment"/>).</param>
    public static async Task<StorageSession> OpenAsync(string connection, bool snapshotRegister, CancellationToken ct, TimeProvider? clock = null, StorageClientSettings? clients = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [StorageServiceCollectionExtensions.ConnectionName] = connection })
            .AddEnvironmentVariables()
            .Build();
        clients ??= StorageClientSettings.From(configuration);
        // The clients' settings are a service too: serve's pipeline explains a failure with them (the endpoint, the timeout).
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(clients);
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        // Before AddMediaGateStorage(), which adds the same connection with the SDK's defaults only when none is there.
        services.AddSingleton(sp => MediaStorageConnection.FromConfiguration(
            sp.GetRequiredService<IConfiguration>().GetSection(StorageServiceCollectionExtensions.ConnectionName),
            sp.GetRequiredService<AzureComponentFactory>(),
            clients.Apply));
        services.AddMediaGateCore().AddMediaGateImaging().AddMediaGateStorage().AddMediaGateWeb();
        if (snapshotRegister)
        {
            services.AddSingleton<IConsentRegister>(sp => new SnapshotConsentRegister(sp.GetRequiredService<Storage.Tables.TableConsentRegister>()));
        }

        var provider = services.BuildServiceProvider();
        try
        {
            // What the host does at start: options are validated before anything runs.
            _ = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<ConsentOptions>>().Value;
            await provider.GetRequiredService<MediaStorage>().EnsureCreatedAsync(ct);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }

        return new StorageSession(provider);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
