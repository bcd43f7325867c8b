using System.CommandLine;
using System.Globalization;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Imaging.Faces;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// <c>mediagate screen INPUT --consent CSV --out OUT [--now YYYY-MM-DD] [--json] [--lang nl|en]</c> (offline), or
/// <c>mediagate screen --storage CONN [--json] [--lang nl|en]</c> (everything in <c>uploads</c> of a storage account).
/// </summary>
internal static class ScreenCommand
{
    public static Command Create(CliConsole console)
    {
        var input = new Argument<string?>("input") { Arity = ArgumentArity.ZeroOrOne, Description = "Folder of uploads; its first level is the school (de-wilg/sportdag/foto.jpg)." };
        var consent = new Option<string?>("--consent") { Description = "The consent register as CSV." };
        var output = new Option<string?>("--out") { Description = "Output folder (created; must be empty): approved/, quarantine/, decisions.jsonl." };
        var storage = StorageCommand.Option(required: false);
        storage.Description = "Screen everything in the uploads container of this storage account instead (connection string; UseDevelopmentStorage=true for Azurite).";
        var now = new Option<DateOnly?>("--now")
        {
            Description = "Screen as on this date (yyyy-MM-dd) instead of today.",
            CustomParser = result => ParseDate(result),
        };
        var json = new Option<bool>("--json") { Description = "Stream each decision to stdout as JSON instead of showing progress and a summary." };
        var lang = Language.Option();
        var command = new Command("screen", "Screen a folder of uploads against a consent CSV into approved and quarantine folders, or the uploads of a storage account.")
        {
            input,
            consent,
            output,
            now,
            json,
            storage,
            lang,
        };
        command.Validators.Add(result =>
        {
            var online = result.GetResult(storage) is not null;
            if (online && (result.GetResult(input) is not null || result.GetResult(consent) is not null || result.GetResult(output) is not null || result.GetResult(now) is not null))
            {
                result.AddError("with --storage, screen takes no INPUT, --consent, --out or --now: the register and the uploads are in storage");
            }
            else if (!online && (result.GetResult(input) is null || result.GetResult(consent) is null || result.GetResult(output) is null))
            {
                result.AddError("screen needs INPUT, --consent and --out (or --storage)");
            }
        });
        command.SetAction((parsed, ct) => parsed.GetValue(storage) is { } connection
            ? StorageCommand.RunAsync("screen", connection, snapshotRegister: true, console, ct, session => StorageScreening.RunAsync(session, parsed.GetValue(json), Language.Of(parsed.GetValue(lang)), console, ct))
            : RunAsync(parsed.GetValue(input)!, parsed.GetValue(consent)!, parsed.GetValue(output)!, parsed.GetValue(now), parsed.GetValue(json), Language.Of(parsed.GetValue(lang)), console, ct));
        return command;
    }

    internal static DateOnly? ParseDate(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        result.AddError($"'{text}' is not a date yyyy-MM-dd");
        return null;
    }

    /// <summary>The moment a <c>--now</c> date stands for: noon in the schools' time zone.</summary>
    internal static DateTimeOffset Moment(DateOnly? date, ConsentOptions options)
    {
        if (date is not { } day)
        {
            return DateTimeOffset.UtcNow;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        var local = day.ToDateTime(new TimeOnly(12, 0));
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>The first moment of a day in the schools' time zone.</summary>
    internal static DateTimeOffset StartOfDay(DateOnly day, ConsentOptions options)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static async Task<int> RunAsync(string input, string consentCsv, string output, DateOnly? now, bool json, CultureInfo language, CliConsole console, CancellationToken ct)
    {
        if (!Directory.Exists(input))
        {
            return Usage(console, $"no such folder: {input}");
        }

        if (InputFiles.CheckInputFile(consentCsv) is { } unreadable)
        {
            return Usage(console, $"--consent: {unreadable}");
        }

        var inputFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(input)) + Path.DirectorySeparatorChar;
        var outputFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output)) + Path.DirectorySeparatorChar;
        if (outputFull.StartsWith(inputFull, StringComparison.Ordinal) || inputFull.StartsWith(outputFull, StringComparison.Ordinal))
        {
            return Usage(console, "the output folder must not be inside the input folder, nor the other way round");
        }

        if (File.Exists(output))
        {
            return Usage(console, $"--out is a file, not a folder: {output}");
        }

        var created = !Directory.Exists(output);
        if (!created && Directory.EnumerateFileSystemEntries(output).Any())
        {
            return Usage(console, $"the output folder is not empty: {output}");
        }

        using var services = OfflineServices.Create(console, "screen");
        if (services is null)
        {
            return MediaGateCommandLine.UsageError;
        }

        var options = services.Consent;
        if (ConsentFile.Load(consentCsv, options, console, "screen") is not { } csv)
        {
            return MediaGateCommandLine.UsageError;
        }

        if (json)
        {
            // Standard output is the decisions as JSON lines; what was ignored goes to standard error.
            foreach (var note in csv.Notes)
            {
                console.Error.WriteLine($"mediagate screen: {consentCsv}: {note}");
            }
        }

        var register = new InMemoryConsentRegister();
        await register.ImportAsync(csv.Records, "csv:" + Path.GetFileName(consentCsv), ct);
        if (InputFiles.CheckOutputFolder(output) is { } problem)
        {
            return Usage(console, problem);
        }

        var screening = new OfflineScreening(register, services, console);
        IReadOnlyList<DecisionLine> decisions;
        try
        {
            decisions = await screening.RunAsync(input, output, Moment(now, options), json, ct);
        }
        catch (ScreeningStoppedException stopped)
        {
            // A partial output folder would look like a result: it is taken back, so the same command runs again.
            RemoveOutput(output, created);
            return StorageCommand.Stopped(console, "screen", $"after {stopped.Done} of {stopped.Total} files; the output folder was emptied again, so nothing is half-written; run the same command again to screen them all");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            RemoveOutput(output, created);
            return StorageCommand.Stopped(console, "screen", "before every file was screened; the output folder was emptied again, so nothing is half-written; run the same command again to screen them all");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RemoveOutput(output, created);
            return Usage(console, $"{InputFiles.Describe(e)}; the output folder was emptied again");
        }
        catch (FaceModelMissingException e)
        {
            // An image cannot be decided without its faces (SPEC §11), and "no detector" is never "no faces":
            // nothing of this run is published. Its message names the model's path and the fix.
            RemoveOutput(output, created);
            console.Error.WriteLine($"mediagate screen: faces cannot be detected, so no image is approved: {e.Message} The output folder was emptied again.");
            return StorageCommand.StorageError;
        }

        if (screening.Skipped.Describe("not screened, not copied") is { } skipped && json)
        {
            console.Error.WriteLine($"mediagate screen: {skipped}");
        }

        if (!json)
        {
            ConsentFile.Describe(console.Ansi, consentCsv, csv);
            OfflineScreening.RenderSummary(console.Ansi, decisions, output, language, screening.Skipped);
        }

        return MediaGateCommandLine.Ok;
    }

    /// <summary>Takes back what a stopped run wrote: the folder it made, or what it put in the empty folder it was given.</summary>
    private static void RemoveOutput(string output, bool created)
    {
        if (created)
        {
            Directory.Delete(output, recursive: true);
            return;
        }

        foreach (var entry in new DirectoryInfo(output).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo folder)
            {
                folder.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }

    private static int Usage(CliConsole console, string message)
    {
        console.Error.WriteLine($"mediagate screen: {message}");
        return MediaGateCommandLine.UsageError;
    }
}
