using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli;

/// <summary>Where a command writes: a rich console for people, plain writers for JSON and errors.</summary>
/// <remarks>
/// The rich console is made on first use: commands that print JSON or only errors never pay for
/// Spectre.Console's terminal detection.
/// </remarks>
internal sealed class CliConsole
{
    /// <summary>Characters held before output to a file or pipe is written: one write per 64 KiB, not per line.</summary>
    private const int RedirectedBufferSize = 64 * 1024;

    /// <summary>
    /// The width the rich console lays out in when its output is no terminal: wide enough that no line of a
    /// file or a pipe is broken, where Spectre.Console would otherwise assume 80 columns and wrap mid-word.
    /// </summary>
    public const int UnwrappedWidth = 100_000;

    private readonly Lazy<IAnsiConsole> _ansi;

    public CliConsole(IAnsiConsole ansi, TextWriter output, TextWriter error)
        : this(new Lazy<IAnsiConsole>(ansi), output, error)
    {
    }

    private CliConsole(Lazy<IAnsiConsole> ansi, TextWriter output, TextWriter error)
    {
        _ansi = ansi;
        Out = output;
        Error = error;
    }

    public IAnsiConsole Ansi => _ansi.Value;

    /// <summary>Standard output; buffered when it goes to a file or a pipe (flushed by <see cref="Flush"/>).</summary>
    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>Called after each item (file, upload, re-screen) a command has finished: for progress, and for tests that stop a run midway.</summary>
    public Action? ItemDone { get; init; }

    /// <summary>Configuration over the environment's (<c>MediaGate:*</c>), for tests that run the command line in process.</summary>
    public IReadOnlyDictionary<string, string?>? Settings { get; init; }

    /// <summary>
    /// Registers services before those of the commands without storage (Core's and Imaging's add theirs only where none is
    /// registered), for tests that run the command line in process with a scripted port, such as a face detector.
    /// </summary>
    public Action<IServiceCollection>? Services { get; init; }

    /// <summary>Whether the rich console writes to no terminal (a file, a pipe): then nothing is wrapped and headings are plain lines.</summary>
    public static bool IsUnwrapped(IAnsiConsole ansi) => ansi.Profile.Width >= UnwrappedWidth;

    /// <summary>A heading: a rule across a terminal; a plain line in a file or pipe, where a rule would be as long as <see cref="UnwrappedWidth"/>.</summary>
    public static void Heading(IAnsiConsole ansi, string markup)
    {
        if (IsUnwrapped(ansi))
        {
            ansi.MarkupLine($"── {markup}");
        }
        else
        {
            ansi.Write(new Rule(markup).LeftJustified());
        }
    }

    /// <summary>
    /// The process's console. Output to a terminal is written as it comes; output to a file or a pipe
    /// in UTF-8 goes through one large buffer (as the C library buffers it), which the rich console
    /// shares, so the order of everything printed stays as written.
    /// </summary>
    public static CliConsole FromProcess()
    {
        if (Console.IsOutputRedirected && Console.OutputEncoding.CodePage == Encoding.UTF8.CodePage)
        {
            Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), RedirectedBufferSize)
            {
                AutoFlush = false,
            });
        }

        var redirected = Console.IsOutputRedirected;
        return new CliConsole(new Lazy<IAnsiConsole>(() => redirected ? Unwrapped(Console.Out) : AnsiConsole.Console), Console.Out, Console.Error);
    }

    /// <summary>
    /// The console of a command whose standard output is no terminal: <paramref name="output"/> for
    /// everything, the rich console without colours, animations or wrapping (<see cref="UnwrappedWidth"/>).
    /// </summary>
    public static CliConsole Redirected(TextWriter output, TextWriter error) => new(new Lazy<IAnsiConsole>(() => Unwrapped(output)), output, error);

    private static IAnsiConsole Unwrapped(TextWriter output)
    {
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        ansi.Profile.Width = UnwrappedWidth;
        return ansi;
    }

    /// <summary>Writes what is buffered; the command line calls it before the process ends.</summary>
    public void Flush() => Out.Flush();
}
