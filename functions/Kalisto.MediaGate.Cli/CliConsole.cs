using Spectre.Console;

namespace Kalisto.MediaGate.Cli;

/// <summary>Where a command writes: a rich console for people, plain writers for JSON and errors.</summary>
internal sealed record CliConsole(IAnsiConsole Ansi, TextWriter Out, TextWriter Error)
{
    public static CliConsole FromProcess() => new(AnsiConsole.Console, Console.Out, Console.Error);
}
