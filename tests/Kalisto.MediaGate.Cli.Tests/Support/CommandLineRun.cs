using Kalisto.MediaGate.Cli;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>Runs the command line in process and captures what it prints.</summary>
internal sealed record CommandLineRun(int ExitCode, string Out, string Error, string Console)
{
    public static CommandLineRun Of(params string[] args) => Of(CancellationToken.None, null, args);

    /// <summary>Runs with a token that stands for Ctrl+C, and <paramref name="itemDone"/> called after each item the command finishes.</summary>
    public static CommandLineRun Of(CancellationToken cancellation, Action? itemDone, params string[] args) => Run(cancellation, itemDone, null, args);

    /// <summary>Runs with <paramref name="settings"/> over the environment's configuration, as <c>MediaGate__…</c> variables would set them.</summary>
    public static CommandLineRun WithSettings(IReadOnlyDictionary<string, string?> settings, params string[] args) => Run(CancellationToken.None, null, settings, args);

    /// <summary>
    /// Runs with <paramref name="services"/> registered before the offline commands' own (which add theirs only where none
    /// is), such as a scripted face detector, and <paramref name="settings"/> over the environment's configuration.
    /// </summary>
    public static CommandLineRun WithServices(Action<IServiceCollection> services, IReadOnlyDictionary<string, string?>? settings, params string[] args) =>
        Run(CancellationToken.None, null, settings, args, services);

    private static CommandLineRun Run(CancellationToken cancellation, Action? itemDone, IReadOnlyDictionary<string, string?>? settings, string[] args, Action<IServiceCollection>? services = null)
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
        var exit = MediaGateCommandLine.RunAsync(args, new CliConsole(ansi, output, error) { ItemDone = itemDone, Settings = settings, Services = services }, cancellation).GetAwaiter().GetResult();
        return new CommandLineRun(exit, output.ToString(), error.ToString(), console.ToString());
    }

    /// <summary>Runs the command, stopping it as Ctrl+C would once <paramref name="items"/> items are done.</summary>
    public static CommandLineRun StoppedAfter(int items, params string[] args)
    {
        using var stop = new CancellationTokenSource();
        var done = 0;
        return Of(stop.Token, () =>
        {
            if (Interlocked.Increment(ref done) == items)
            {
                stop.Cancel();
            }
        }, args);
    }

    public static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);
}
