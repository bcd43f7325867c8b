using System.CommandLine;
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
    /// storage that cannot be reached or refuses a request ends the command with exit code 1 and a message,
    /// never with a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(
        string name, string connection, bool snapshotRegister, CliConsole console, CancellationToken ct, Func<StorageSession, Task<int>> body, TimeProvider? clock = null)
    {
        StorageSession session;
        try
        {
            session = await StorageSession.OpenAsync(connection, snapshotRegister, ct, clock);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException && e is not Microsoft.Extensions.Options.OptionsValidationException)
        {
            console.Error.WriteLine($"mediagate {name}: --storage is not a usable connection string ({e.Message})");
            return MediaGateCommandLine.UsageError;
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            return Failed(name, console, e);
        }

        await using (session)
        {
            try
            {
                return await body(session);
            }
            catch (Exception e) when (IsStorageFailure(e))
            {
                return Failed(name, console, e);
            }
        }
    }

    private static bool IsStorageFailure(Exception e) =>
        e is RequestFailedException or AggregateException or HttpRequestException or IOException or InvalidDataException;

    private static int Failed(string name, CliConsole console, Exception e)
    {
        var detail = e is RequestFailedException { Status: > 0 } r ? $"{r.Status} {r.ErrorCode}" : e.GetBaseException().Message;
        console.Error.WriteLine($"mediagate {name}: the storage account failed ({detail}); nothing was approved. Run the command again when it is reachable.");
        return StorageError;
    }
}
