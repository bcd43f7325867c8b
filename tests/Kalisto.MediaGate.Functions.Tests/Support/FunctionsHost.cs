using Kalisto.MediaGate.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>
/// The Functions app's services, wired as <c>Program.cs</c> wires them (<c>AddMediaGateCore()</c>, <c>…Imaging()</c>, <c>…Storage()</c>, <c>…Web()</c> on the host's
/// configuration), against Azurite, started so options are validated; function classes are activated
/// from it as the worker activates them. App Service Authentication is on, with the grants of <see cref="TestUsers"/>.
/// </summary>
internal sealed class FunctionsHost : IAsyncDisposable
{
    private readonly IHost _host;

    private FunctionsHost(IHost host, StorageOptions names)
    {
        _host = host;
        Names = names;
    }

    public StorageOptions Names { get; }

    public IServiceProvider Services => _host.Services;

    public static async Task<FunctionsHost> StartAsync(Azurite azurite, IDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        var names = Azurite.NewNames();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var values = new Dictionary<string, string?>
        {
            ["MediaStorage"] = azurite.ConnectionString,
            ["MediaGate:Storage:UploadsContainer"] = names.UploadsContainer,
            ["MediaGate:Storage:ApprovedContainer"] = names.ApprovedContainer,
            ["MediaGate:Storage:QuarantineContainer"] = names.QuarantineContainer,
            ["MediaGate:Storage:PreviewsContainer"] = names.PreviewsContainer,
            ["MediaGate:Storage:ConsentTable"] = names.ConsentTable,
            ["MediaGate:Storage:ItemsTable"] = names.ItemsTable,
            ["MediaGate:Storage:RunsTable"] = names.RunsTable,
            ["MediaGate:Storage:UploadGrantsTable"] = names.UploadGrantsTable,
            ["MediaGate:Storage:RedactQueue"] = names.RedactQueue,
            ["MediaGate:Storage:RescreenQueue"] = names.RescreenQueue,
            ["MediaGate:Storage:PreviewsQueue"] = names.PreviewsQueue,
        };
        foreach (var (key, value) in TestUsers.Settings)
        {
            values[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        builder.Services.AddMediaGateCore().AddMediaGateImaging().AddMediaGateStorage().AddMediaGateWeb();
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            await host.Services.GetRequiredService<MediaStorage>().EnsureCreatedAsync(CancellationToken.None);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new FunctionsHost(host, names);
    }

    /// <summary>A function class, activated with its dependencies as the worker does.</summary>
    public T Function<T>() => ActivatorUtilities.CreateInstance<T>(_host.Services);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
