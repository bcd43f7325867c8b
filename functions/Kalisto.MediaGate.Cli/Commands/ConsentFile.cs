using Kalisto.MediaGate.Consent;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>Reads a consent CSV for a command; a bad file prints every error (line and field) and yields nothing.</summary>
internal static class ConsentFile
{
    public static IReadOnlyList<ConsentRecord>? Load(string path, ConsentOptions options, CliConsole console, string command)
    {
        ConsentCsvResult csv;
        using (var stream = File.OpenRead(path))
        {
            csv = ConsentCsv.Read(stream, options);
        }

        if (csv.IsValid)
        {
            return csv.Records;
        }

        console.Error.WriteLine($"mediagate {command}: {path} has {csv.Errors.Count} error(s); nothing was changed:");
        foreach (var error in csv.Errors)
        {
            console.Error.WriteLine($"  {error}");
        }

        return null;
    }
}
