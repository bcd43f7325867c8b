using System.CommandLine;
using System.Net;
using Kalisto.MediaGate.Web;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// <c>mediagate serve --storage CONN [--port P]</c>: the HTTP API of the Functions app (README "HTTP API"), the same
/// handlers and routes (<c>/api/schools/{school}/…</c>), on Kestrel on this machine only (127.0.0.1), without
/// function keys: for trying the API and building on it locally. Port 0 takes a free port; the address it listens
/// on is printed. Runs until Ctrl+C (exit code 0).
/// </summary>
internal static class ServeCommand
{
    /// <summary>The port of <c>func start</c>, so the addresses are those of the Functions app run locally.</summary>
    public const int DefaultPort = 7071;

    public static Command Create(CliConsole console)
    {
        var storage = StorageCommand.Option();
        var port = new Option<int>("--port")
        {
            Description = $"The port on 127.0.0.1 (default {DefaultPort}; 0 takes a free one).",
            DefaultValueFactory = _ => DefaultPort,
        };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > IPEndPoint.MaxPort)
            {
                result.AddError($"--port must be from 0 to {IPEndPoint.MaxPort}.");
            }
        });
        var command = new Command("serve", "Serve the HTTP API on this machine (127.0.0.1) until Ctrl+C.") { storage, port };
        command.SetAction((parsed, ct) => RunAsync(parsed.GetRequiredValue(storage), parsed.GetValue(port), console, ct));
        return command;
    }

    private static Task<int> RunAsync(string connection, int port, CliConsole console, CancellationToken ct) =>
        StorageCommand.RunAsync("serve", connection, snapshotRegister: false, console, ct, async session =>
        {
            await using var app = Build(session, port);
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException e)
            {
                // Kestrel's "address already in use" and the like.
                console.Error.WriteLine($"mediagate serve: cannot listen on 127.0.0.1:{port} ({e.Message}); choose another --port.");
                return MediaGateCommandLine.UsageError;
            }

            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            console.Out.WriteLine($"mediagate serve: listening on {address}{MediaGateApi.Prefix.Replace("{school}", "<school>", StringComparison.Ordinal)}/… (Ctrl+C stops)");
            console.Out.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C: the way serve ends.
            }

            await app.StopAsync(CancellationToken.None);
            console.Out.WriteLine("mediagate serve: stopped.");
            return MediaGateCommandLine.Ok;
        });

    /// <summary>
    /// A web host of the API on the session's services: the same <see cref="SchoolApi"/> (so the same register, options
    /// and storage as every other command) and the web layer's JSON. Only warnings and errors are logged, to stderr.
    /// </summary>
    private static WebApplication Build(StorageSession session, int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole().AddFilter("Microsoft.Hosting.Lifetime", LogLevel.None);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton(session.Get<SchoolApi>());
        builder.Services.AddMediaGateWeb();
        // The command line stops the host (Ctrl+C cancels the command), not the host's own signal handling.
        builder.Services.AddSingleton<IHostLifetime, CommandLineLifetime>();
        var app = builder.Build();
        app.MapMediaGateApi();
        return app;
    }

    /// <summary>A host lifetime that waits for nothing: the command decides when the host stops.</summary>
    private sealed class CommandLineLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
