using Kalisto.MediaGate.Cli;
using Spectre.Console;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>Runs the command line in process and captures what it prints.</summary>
internal sealed record CommandLineRun(int ExitCode, string Out, string Error, string Console)
{
    public static CommandLineRun Of(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new StringWriter();
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(console),
        });
        ansi.Profile.Width = 200;
        var exit = MediaGateCommandLine.Run(args, new CliConsole(ansi, output, error));
        return new CommandLineRun(exit, output.ToString(), error.ToString(), console.ToString());
    }

    public static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);
}
