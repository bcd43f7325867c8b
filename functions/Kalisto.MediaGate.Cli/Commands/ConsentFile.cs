using Kalisto.MediaGate.Consent;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>Reads a consent CSV for a command; a bad file prints every error (line and field) and yields nothing.</summary>
internal static class ConsentFile
{
    /// <summary>The file read (valid: its records, format and notes), or null after printing its errors to standard error.</summary>
    public static ConsentCsvResult? Load(string path, ConsentOptions options, CliConsole console, string command)
    {
        var csv = ConsentCsv.Read(File.ReadAllBytes(path), options);

        if (csv.IsValid)
        {
            return csv;
        }

        var format = csv.Format is { } read ? $" (read as {read})" : string.Empty;
        console.Error.WriteLine($"mediagate {command}: {path}{format} has {csv.Errors.Count} error(s); nothing was changed:");
        foreach (var error in csv.Errors)
        {
            console.Error.WriteLine($"  {error}");
        }

        return null;
    }

    /// <summary>For a summary: how the file was read (encoding, separator) and every column it ignored.</summary>
    public static void Describe(IAnsiConsole ansi, string path, ConsentCsvResult csv)
    {
        ansi.MarkupLine($"Register [blue]{Markup.Escape(Path.GetFileName(path))}[/]: {csv.Records.Count} record(s), read as {Markup.Escape(csv.Format?.ToString() ?? "text")}.");
        foreach (var note in csv.Notes)
        {
            ansi.MarkupLine($"[yellow]{Markup.Escape(note)}[/]");
        }
    }
}
