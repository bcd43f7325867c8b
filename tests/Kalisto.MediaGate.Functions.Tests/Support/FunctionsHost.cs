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

    /// <param name="azurite">The storage.</param>
    /// <param name="settings">Configuration over the test's.</param>
    /// <param name="clock">The time, when not the system's.</param>
    /// <param name="services">Registers services before the app's (which add theirs only where none is), such as a scripted face detector.</param>
    public static async Task<FunctionsHost> StartAsync(Azurite azurite, IDictionary<string, string?>? settings = null, TimeProvider? clock = null, Action<IServiceCollection>? services = null)
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

        services?.Invoke(builder.Services);
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

    /// <summary>
    /// What the host does with the imaging worker's <c>redact</c> queue: each message to <c>RedactImage</c>, until the queue
    /// is empty (the face detection an image its tags would publish waits for, then the redaction it may ask for).
    /// </summary>
    /// <returns>How many messages were handled.</returns>
    public async Task<int> DrainImagingAsync()
    {
        var queue = _host.Services.GetRequiredService<MediaStorage>().RedactQueue;
        var function = Function<Kalisto.MediaGate.Functions.RedactImage>();
        var handled = 0;
        while ((await queue.ReceiveMessagesAsync(32)).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                await function.RunAsync(message.MessageText, CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                handled++;
            }
        }

        return handled;
    }

    /// <summary>A function class, activated with its dependencies as the worker does.</summary>
    public T Function<T>() => ActivatorUtilities.CreateInstance<T>(_host.Services);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
