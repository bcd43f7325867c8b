using System.CommandLine;
using Kalisto.MediaGate.Cli.Commands;

namespace Kalisto.MediaGate.Cli;

/// <summary>
/// The <c>mediagate</c> command line: parsing, and exit codes (0 ran, 1 storage failure, 2 usage error or a
/// path that cannot be read or written, 130 stopped by Ctrl+C).
/// </summary>
internal static class MediaGateCommandLine
{
    public const int Ok = 0;
    public const int UsageError = 2;

    /// <summary>Stopped by Ctrl+C (SIGINT), as shells report it: 128 + 2.</summary>
    public const int Cancelled = 130;

    /// <summary>How long a command may take to stop after Ctrl+C (finishing or undoing what is in flight) before the process ends.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    public static int Run(string[] args, CliConsole console) => RunAsync(args, console).GetAwaiter().GetResult();

    /// <summary>Parses and runs a command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="console">Where the command writes.</param>
    /// <param name="cancellationToken">
    /// Stops the command as Ctrl+C does. Without one (the process), System.CommandLine cancels on SIGINT; with
    /// one (tests, hosts), the caller decides and no signal handler is installed.
    /// </param>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("Kalisto MediaGate: checks who is tagged in school photos, videos and audio against the consent register.")
        {
            InspectCommand.Create(console),
            ScreenCommand.Create(console),
            DemoCommand.Create(console),
            ConsentCommand.Create(console),
            UploadCommand.Create(console),
            ItemsCommand.Create(console),
            RescreenCommand.Create(console),
            AuditCommand.Create(console),
            DownloadCommand.Create(console),
            ExpireCommand.Create(console),
            StatusCommand.Create(console),
            ServeCommand.Create(console),
        };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                console.Error.WriteLine($"mediagate: {error.Message}");
            }

            console.Error.WriteLine($"Run '{HelpHint(parsed)} --help' for usage.");
            return UsageError;
        }

        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = cancellationToken.CanBeCanceled ? null : StopTimeout,
        };
        try
        {
            return await parsed.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The last resort for a path problem that no command checked for: one line, no stack trace.
            console.Error.WriteLine($"{HelpHint(parsed)}: {InputFiles.Describe(e)}");
            return UsageError;
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C in a command that has nothing more precise to say.
            console.Error.WriteLine($"{HelpHint(parsed)}: stopped (Ctrl+C).");
            return Cancelled;
        }
    }

    private static string HelpHint(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command is RootCommand ? "mediagate" : result.Command.Name);
        }

        return string.Join(' ', names);
    }
}

/// <summary>A command-line mistake found while running (a path that does not exist): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
