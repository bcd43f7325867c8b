using System.CommandLine;
using System.Net;
using Azure.Storage.Blobs.Specialized;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Web;
using Kalisto.MediaGate.Web.Access;
using Kalisto.MediaGate.Web.Api;
using Kalisto.MediaGate.Web.Pages;
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
/// <c>mediagate serve --storage CONN [--port P] [--address A] [--dev-user ROLE@SCHOOL] [--no-pipeline]</c>: the HTTP API of the
/// Functions app (README "HTTP API"), the same handlers, routes (<c>/api/…</c>) and access checks, on Kestrel, with the development
/// sign-in instead of App Service Authentication: every request is the <c>--dev-user</c>, or, without it, whoever chose a
/// role and school on the sign-in page (<c>/.auth/login/dev</c>). Because anyone reaching it could sign in as anyone, it
/// listens on this machine only (127.0.0.1 or ::1) and refuses any other address. Port 0 takes a free port; the address
/// it listens on is printed. Beside the web host, what the Functions app's triggers do (<see cref="ServePipeline"/>: uploads
/// screened, the re-screen, redaction and preview queues processed, every 2 s), unless <c>--no-pipeline</c>. Runs until
/// Ctrl+C (exit code 0).
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
        var address = new Option<string>("--address")
        {
            Description = "The loopback address to listen on: 127.0.0.1 (default) or ::1. The development sign-in serves this machine only.",
            DefaultValueFactory = _ => IPAddress.Loopback.ToString(),
        };
        address.Validators.Add(result =>
        {
            if (Loopback(result.GetValueOrDefault<string>()) is null)
            {
                result.AddError($"--address '{result.GetValueOrDefault<string>()}' is not this machine: serve signs people in with a development sign-in, so it listens on 127.0.0.1 or ::1 only.");
            }
        });
        var devUser = new Option<string?>("--dev-user")
        {
            Description = "Every request is this user: ROLE@SCHOOL (teacher@de-wilg, privacy@*, admin). Without it, sign in on /.auth/login/dev.",
        };
        devUser.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && !DevelopmentUser.TryParse(text, out _, out var error))
            {
                result.AddError($"--dev-user: {error}.");
            }
        });
        var noPipeline = new Option<bool>("--no-pipeline")
        {
            Description = "Do not screen uploads nor process the rescreen, redact and previews queues: for when a Functions app works on the same storage account. "
                + "Without it serve does that every 2 s; beside a Functions app that is safe (every step is idempotent and conditional), only redundant.",
        };
        var command = new Command("serve", "Serve the HTTP API on this machine (127.0.0.1) with a development sign-in, and screen uploads and process the queues, until Ctrl+C.")
        {
            storage,
            port,
            address,
            devUser,
            noPipeline,
        };
        command.SetAction((parsed, ct) =>
        {
            DevelopmentUser.TryParse(parsed.GetValue(devUser), out var user);
            return RunAsync(parsed.GetRequiredValue(storage), Loopback(parsed.GetValue(address))!, parsed.GetValue(port), user, !parsed.GetValue(noPipeline), console, ct);
        });
        return command;
    }

    /// <summary>The loopback address a text names (an IP address, or <c>localhost</c> for 127.0.0.1); null for any other.</summary>
    internal static IPAddress? Loopback(string? text)
    {
        var value = text?.Trim() ?? string.Empty;
        if (string.Equals(value, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(value.Trim('[', ']'), out var parsed) && IPAddress.IsLoopback(parsed) ? parsed : null;
    }

    private static Task<int> RunAsync(string connection, IPAddress address, int port, DevelopmentUser? user, bool pipeline, CliConsole console, CancellationToken ct) =>
        // The register is read afresh by every decision (no snapshot): consent changes while serve runs.
        StorageCommand.RunAsync("serve", connection, snapshotRegister: false, console, ct, async session =>
        {
            await using var app = Build(session, address, port, user, pipeline ? console : null);
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException e)
            {
                // Kestrel's "address already in use" and the like.
                console.Error.WriteLine($"mediagate serve: cannot listen on {address}:{port} ({e.Message}); choose another --port.");
                return MediaGateCommandLine.UsageError;
            }

            var listening = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            var storage = session.Get<MediaStorage>();
            if (storage.Uploads.Uri.IsLoopback)
            {
                // Azurite: let this server's pages send files to their upload URLs (in Azure the infrastructure does).
                await UploadCors.AllowAsync(storage.Uploads.GetParentBlobServiceClient(), new Uri(listening), ct);
            }

            console.Out.WriteLine($"mediagate serve: listening on {listening}{MediaGateApi.Prefix.Replace("{school}", "<school>", StringComparison.Ordinal)}/… (Ctrl+C stops)");
            console.Out.WriteLine(user is null
                ? $"mediagate serve: sign in on {listening}{DevelopmentSignInDefaults.SignInPath} (development sign-in, this machine only)."
                : $"mediagate serve: every request is {user} (--dev-user).");
            console.Out.WriteLine(ServePipeline.Describe(pipeline));
            console.Out.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C: the way serve ends.
            }

            // Stops the pipeline too: its pass is cancelled, and what it did stands (every step is safe to repeat).
            await app.StopAsync(CancellationToken.None);
            console.Out.WriteLine("mediagate serve: stopped.");
            return MediaGateCommandLine.Ok;
        });

    /// <summary>
    /// A web host of the API on the session's services: the same <see cref="SchoolApi"/> (so the same register, options
    /// and storage as every other command) and the web layer's JSON. Only warnings and errors are logged, to stderr. With
    /// <paramref name="pipeline"/>, the console the <see cref="ServePipeline"/> tells its failures on, that runs beside it.
    /// </summary>
    private static WebApplication Build(StorageSession session, IPAddress address, int port, DevelopmentUser? user, CliConsole? pipeline)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        // Explicit: ASPNETCORE_URLS and --urls never widen what serve listens on.
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(address, port));
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole().AddFilter("Microsoft.Hosting.Lifetime", LogLevel.None);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton(session.Get<SchoolApi>());
        builder.Services.AddSingleton(session.Get<PreviewApi>());
        builder.Services.AddSingleton(session.Get<UploadApi>());
        builder.Services.AddSingleton(session.Get<Kalisto.MediaGate.Consent.ConsentOptions>());
        builder.Services.AddSingleton(session.Get<Kalisto.MediaGate.Storage.Tables.ItemCatalog>());
        builder.Services.AddSingleton(session.Get<TimeProvider>());
        builder.Services.AddMediaGateWeb().AddMediaGateDevelopmentSignIn(user);
        builder.Services.Configure<PageOptions>(o => o.SignInPath = DevelopmentSignInDefaults.SignInPath + "?returnUrl={0}");
        // The command line stops the host (Ctrl+C cancels the command), not the host's own signal handling.
        builder.Services.AddSingleton<IHostLifetime, CommandLineLifetime>();
        if (pipeline is not null)
        {
            builder.Services.AddHostedService(_ => new ServePipeline(session, pipeline));
        }

        var app = builder.Build();
        app.MapMediaGateApi();
        app.MapMediaGatePages();
        app.MapDevelopmentSignIn();
        return app;
    }

    /// <summary>A host lifetime that waits for nothing: the command decides when the host stops.</summary>
    private sealed class CommandLineLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
