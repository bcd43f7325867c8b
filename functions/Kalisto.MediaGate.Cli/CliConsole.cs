using System.Text;
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

        return new CliConsole(new Lazy<IAnsiConsole>(() => AnsiConsole.Console), Console.Out, Console.Error);
    }

    /// <summary>Writes what is buffered; the command line calls it before the process ends.</summary>
    public void Flush() => Out.Flush();
}
