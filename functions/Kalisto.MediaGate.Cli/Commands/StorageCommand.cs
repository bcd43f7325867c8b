using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Azure;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>What every command against a storage account shares: the option, and how failures are reported.</summary>
internal static class StorageCommand
{
    public const int StorageError = 1;

    public static Option<string> Option(bool required = true) => new("--storage")
    {
        Description = "Storage connection string (UseDevelopmentStorage=true for Azurite).",
        Required = required,
    };

    /// <summary>
    /// Opens the storage and runs <paramref name="body"/>. A bad connection string is a usage error (2);
    /// storage that cannot be reached or refuses a request ends the command with exit code 1 and one line
    /// naming the endpoint, the likely cause and what to do (<see cref="Explain"/>), never with a stack trace.
    /// Ctrl+C ends it with exit code 130 and what was done (the body may say it more precisely, see
    /// <see cref="Stopped"/>).
    /// </summary>
    public static async Task<int> RunAsync(
        string name, string connection, bool snapshotRegister, CliConsole console, CancellationToken ct, Func<StorageSession, Task<int>> body, TimeProvider? clock = null)
    {
        StorageClientSettings clients;
        try
        {
            clients = StorageClientSettings.FromEnvironment();
        }
        catch (UsageException e)
        {
            console.Error.WriteLine($"mediagate {name}: {e.Message}");
            return MediaGateCommandLine.UsageError;
        }

        StorageSession session;
        try
        {
            session = await StorageSession.OpenAsync(connection, snapshotRegister, ct, clock, clients);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException && e is not Microsoft.Extensions.Options.OptionsValidationException)
        {
            console.Error.WriteLine($"mediagate {name}: --storage is not a usable connection string ({e.Message})");
            return MediaGateCommandLine.UsageError;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Stopped(console, name, "before anything was changed");
        }
        catch (Exception e) when (IsStorageFailure(e, ct))
        {
            return Failed(name, console, e, clients);
        }

        await using (session)
        {
            try
            {
                return await body(session);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return Stopped(console, name, "requests in flight were cancelled, nothing is half-written; run the same command again to continue");
            }
            catch (Exception e) when (IsStorageFailure(e, ct))
            {
                return Failed(name, console, e, clients);
            }
        }
    }

    /// <summary>Prints "mediagate NAME: stopped (Ctrl+C) WHAT" and gives the exit code of a cancelled command (130).</summary>
    public static int Stopped(CliConsole console, string name, string what)
    {
        console.Error.WriteLine($"mediagate {name}: stopped (Ctrl+C) {what}.");
        return MediaGateCommandLine.Cancelled;
    }

    /// <summary>Whether <paramref name="e"/> is the storage failing (not the user cancelling, not a bug).</summary>
    public static bool IsStorageFailure(Exception e, CancellationToken ct) =>
        e is RequestFailedException or AggregateException or HttpRequestException or IOException or InvalidDataException or TimeoutException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);

    private static int Failed(string name, CliConsole console, Exception e, StorageClientSettings clients)
    {
        console.Error.WriteLine($"mediagate {name}: {Explain(e, clients.FailedEndpoint, clients.Timeout)}");
        return StorageError;
    }

    /// <summary>
    /// One sentence for a storage failure: where (host:port, never a key), the likely cause, and the advice
    /// that fits it. Nothing of the SDK's retry text or of the request.
    /// </summary>
    /// <param name="e">What the SDK threw (possibly an <see cref="AggregateException"/> of its tries).</param>
    /// <param name="endpoint">host:port of the request that failed, if known.</param>
    /// <param name="timeout">The network timeout the clients had.</param>
    public static string Explain(Exception e, string? endpoint, TimeSpan timeout)
    {
        var causes = Flatten(e).ToList();
        var at = endpoint is null ? "the storage account" : $"the storage at {endpoint}";
        var local = endpoint is not null && IsLoopback(endpoint);
        if (causes.OfType<RequestFailedException>().FirstOrDefault(r => r.Status > 0) is { } answer)
        {
            var code = answer.ErrorCode ?? "no error code";
            return answer switch
            {
                // Azure says AuthenticationFailed for a signature made with the wrong key; Azurite says AuthorizationFailure.
                { Status: 403, ErrorCode: "AuthenticationFailed" or "AuthorizationFailure" } =>
                    $"{at} refused the credentials (403 {code}): the account key or the connection string is wrong.",
                { Status: 403 } =>
                    $"{at} refused the request (403 {code}): the key or identity has no access to this account (for an identity: a data role such as Storage Blob Data Contributor).",
                { Status: 400 } when answer.Message.Contains("API version", StringComparison.OrdinalIgnoreCase) =>
                    $"{at} does not accept the API version of this mediagate (400 {code}): Azurite needs --skipApiVersionCheck (as `npm run azurite` starts it), or a newer Azurite.",
                _ => $"{at} answered {answer.Status} {code}; nothing more was done. Run the command again when the account answers normally.",
            };
        }

        // The SDK's network timeout (the socket it aborts is no cause of its own).
        if (causes.Any(c => c is OperationCanceledException or TimeoutException))
        {
            var advice = local ? "Azurite not running or stuck? Start it with `npm run azurite`" : "the account is unreachable from here (network, firewall or endpoint)";
            return $"no answer from {at} within {StorageClientSettings.Describe(timeout)}: {advice}. {StorageClientSettings.TimeoutVariable}=SECONDS waits longer.";
        }

        if (causes.OfType<SocketException>().FirstOrDefault() is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused when local =>
                    $"nothing answers at {endpoint} (connection refused): Azurite not running? Start it with `npm run azurite`.",
                SocketError.ConnectionRefused =>
                    $"{at} refused the connection: the account is unreachable from here (the endpoint in the connection string, a firewall or a network rule).",
                SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData =>
                    $"the host of {at} is not known (DNS): check the account name or endpoint in the connection string.",
                SocketError.TimedOut when local =>
                    $"no answer from {endpoint} within {StorageClientSettings.Describe(timeout)}: Azurite not running? Start it with `npm run azurite`.",
                _ => $"{at} is unreachable ({socket.SocketErrorCode}): check the network, a firewall, or the endpoint in the connection string.",
            };
        }

        if (causes.OfType<HttpRequestException>().FirstOrDefault() is { } http)
        {
            return $"{at} could not be reached ({http.HttpRequestError}): check the endpoint in the connection string and the network.";
        }

        return $"{at} failed ({e.GetBaseException().Message}); run the command again when it is reachable.";
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException many)
            {
                foreach (var inner in many.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }

                yield break;
            }
        }
    }

    private static bool IsLoopback(string endpoint)
    {
        var host = endpoint[..endpoint.LastIndexOf(':')].Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
