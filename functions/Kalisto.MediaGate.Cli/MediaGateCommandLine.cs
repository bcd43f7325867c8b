using System.CommandLine;
using Kalisto.MediaGate.Cli.Commands;

namespace Kalisto.MediaGate.Cli;

/// <summary>The <c>mediagate</c> command line: parsing, and exit codes (0 ran, 2 usage error).</summary>
internal static class MediaGateCommandLine
{
    public const int Ok = 0;
    public const int UsageError = 2;

    public static int Run(string[] args, CliConsole console)
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

        var invocation = new InvocationConfiguration { Output = console.Out, Error = console.Error };
        return parsed.Invoke(invocation);
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
