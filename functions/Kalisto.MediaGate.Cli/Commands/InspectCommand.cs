using System.CommandLine;
using System.Globalization;
using System.Text.Json.Serialization;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Tags;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// <c>mediagate inspect PATH... [--json]</c>: which tags were found where; with <c>--consent CSV</c> or
/// <c>--storage CONN</c> (and <c>--school</c>, <c>--now</c>, <c>--lang</c>) also how each tag resolves in the
/// school's register, the consent of each subject, and the decision. Without them nothing else is loaded.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(CliConsole console)
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "Files or folders (folders are searched recursively).",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per file and line instead of tables." };
        var consent = new Option<string?>("--consent") { Description = "Also show how each tag resolves in this consent register (CSV): subject ID, consent, and the decision." };
        var storage = StorageCommand.Option(required: false);
        storage.Description = "As --consent, with the register of this storage account (connection string; UseDevelopmentStorage=true for Azurite).";
        var school = new Option<string?>("--school") { Description = "The school whose register resolves the tags (default: the folder in the file's path that is a school of the register)." };
        var now = new Option<DateOnly?>("--now")
        {
            Description = "Consent as on this date (yyyy-MM-dd) instead of today.",
            CustomParser = result => ScreenCommand.ParseDate(result),
        };
        var lang = Language.Option();
        var command = new Command("inspect", "Show which people and keywords are tagged in media files, and where each tag was found.")
        {
            paths,
            json,
            consent,
            storage,
            school,
            now,
            lang,
        };
        command.Validators.Add(result =>
        {
            var withConsent = result.GetResult(consent) is not null;
            var withStorage = result.GetResult(storage) is not null;
            if (withConsent && withStorage)
            {
                result.AddError("inspect takes --consent or --storage, not both");
            }
            else if (!withConsent && !withStorage && (result.GetResult(school) is not null || result.GetResult(now) is not null))
            {
                result.AddError("--school and --now need a register: --consent CSV or --storage CONN");
            }
        });

        // Without a register the action stays synchronous and reads nothing but the files (inspect's speed).
        command.SetAction(parsed => parsed.GetValue(consent) is null && parsed.GetValue(storage) is null
            ? Run(parsed.GetRequiredValue(paths), parsed.GetValue(json), console)
            : RunWithRegisterAsync(parsed, paths, json, consent, storage, school, now, lang, console).GetAwaiter().GetResult());
        return command;
    }

    private static int Run(string[] paths, bool json, CliConsole console)
    {
        if (Files(paths, console) is not { } files)
        {
            return MediaGateCommandLine.UsageError;
        }

        var reader = new TagReader();
        using var lines = json ? new JsonLines<InspectLine>(console.Out, CliJsonContext.Default.InspectLine) : null;
        foreach (var file in files)
        {
            var result = Read(reader, file);
            if (lines is not null)
            {
                lines.Write(InspectLine.From(file, result));
            }
            else
            {
                Render(console.Ansi, file, result);
            }
        }

        return MediaGateCommandLine.Ok;
    }

    private static async Task<int> RunWithRegisterAsync(
        ParseResult parsed, Argument<string[]> paths, Option<bool> json, Option<string?> consent, Option<string> storage, Option<string?> school, Option<DateOnly?> now, Option<string?> lang, CliConsole console)
    {
        if (Files(parsed.GetRequiredValue(paths), console) is not { } files)
        {
            return MediaGateCommandLine.UsageError;
        }

        var schoolCode = parsed.GetValue(school) is { } given ? ConsentFields.NormaliseSchool(given) : null;
        var language = Language.Of(parsed.GetValue(lang));
        if (parsed.GetValue(consent) is { } csv)
        {
            if (!File.Exists(csv))
            {
                console.Error.WriteLine($"mediagate inspect: no such file: {csv}");
                return MediaGateCommandLine.UsageError;
            }

            using var services = OfflineServices.Create(console, "inspect");
            if (services is null)
            {
                return MediaGateCommandLine.UsageError;
            }

            var options = services.Consent;
            if (ConsentFile.Load(csv, options, console, "inspect")?.Records is not { } records)
            {
                return MediaGateCommandLine.UsageError;
            }

            return Inspect(files, parsed.GetValue(json), new InspectResolution(records, schoolCode, options, ScreenCommand.Moment(parsed.GetValue(now), options), language), console);
        }

        return await StorageCommand.RunAsync("inspect", parsed.GetRequiredValue(storage), snapshotRegister: false, console, CancellationToken.None, async session =>
        {
            var options = session.Get<Microsoft.Extensions.Options.IOptions<ConsentOptions>>().Value;
            var register = session.Get<IConsentRegister>();
            var records = schoolCode is null ? await register.ExportAsync(CancellationToken.None) : await register.GetSchoolAsync(schoolCode, CancellationToken.None);
            return Inspect(files, parsed.GetValue(json), new InspectResolution(records, schoolCode, options, ScreenCommand.Moment(parsed.GetValue(now), options), language), console);
        });
    }

    private static int Inspect(IReadOnlyList<string> files, bool json, InspectResolution resolution, CliConsole console)
    {
        foreach (var file in files)
        {
            var result = Read(resolution.Reader, file);
            var school = resolution.SchoolOf(file);
            var line = resolution.Resolve(InspectLine.From(file, result), result, school);
            if (json)
            {
                console.Out.WriteLine(CliJson.Line(line));
                continue;
            }

            Render(console.Ansi, file, result, line, resolution);
            if (line.Decision is { } decision)
            {
                resolution.RenderDecision(console.Ansi, decision, school!);
            }
            else
            {
                console.Ansi.MarkupLine("[yellow]No school of the register in this file's path: give --school to resolve its tags.[/]");
            }

            console.Ansi.WriteLine();
        }

        return MediaGateCommandLine.Ok;
    }

    private static IReadOnlyList<string>? Files(string[] paths, CliConsole console)
    {
        try
        {
            var listing = InputFiles.List(paths);
            if (listing.Skipped.Describe("not inspected") is { } skipped)
            {
                console.Error.WriteLine($"mediagate inspect: {skipped}");
            }

            return listing.Files;
        }
        catch (UsageException e)
        {
            console.Error.WriteLine($"mediagate inspect: {e.Message}");
            return null;
        }
    }

    private static TagReadResult Read(ITagReader reader, string file)
    {
        try
        {
            using var stream = InputFiles.OpenForTags(file);
            return reader.Read(stream, Path.GetFileName(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new TagReadResult
            {
                Kind = MediaKind.Unsupported,
                Format = MediaFormat.Unknown,
                Problems = [new TagProblem(Decisions.ReasonCode.Unreadable, $"the file could not be opened: {e.Message}")],
            };
        }
    }

    private static void Render(IAnsiConsole ansi, string file, TagReadResult result)
    {
        Render(ansi, file, result, null, null);
        ansi.WriteLine();
    }

    /// <summary>The tags of a file; with <paramref name="resolution"/>, also what each resolves to and its consent.</summary>
    private static void Render(IAnsiConsole ansi, string file, TagReadResult result, ResolvedInspectLine? line, InspectResolution? resolution)
    {
        var kind = result.Kind == MediaKind.Unsupported
            ? "unsupported"
            : $"{Lower(result.Kind)} ({Lower(result.Format)})";
        var resolved = resolution is not null && line?.Decision is not null;
        CliConsole.Heading(ansi, $"[bold]{Markup.Escape(file)}[/] [grey]{Markup.Escape(kind)}[/]");
        if (result.Persons.Count + result.Keywords.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Field", "Value", "Found in", "Face region");
            if (resolved)
            {
                table.AddColumns(ReasonTexts.Label("resolves", resolution!.Language), ReasonTexts.Label("consent", resolution.Language));
            }

            for (var i = 0; i < result.Persons.Count; i++)
            {
                var person = result.Persons[i];
                string[] cells =
                [
                    "person",
                    person.Value is null ? "[italic yellow](unnamed face)[/]" : Markup.Escape(person.Value),
                    Markup.Escape(person.Source),
                    person.Region is { } r ? Markup.Escape(Format(r)) : string.Empty,
                ];
                table.AddRow(resolved ? [.. cells, .. Resolution(resolution!, line!.Persons[i].Resolution!, person.IsUnnamed)] : cells);
            }

            for (var i = 0; i < result.Keywords.Count; i++)
            {
                var keyword = result.Keywords[i];
                string[] cells = ["keyword", Markup.Escape(keyword.Value), Markup.Escape(keyword.Source), string.Empty];
                table.AddRow(resolved ? [.. cells, .. Resolution(resolution!, line!.Keywords[i].Resolution!)] : cells);
            }

            ansi.Write(table);
        }
        else
        {
            ansi.MarkupLine("[grey]no person or keyword tags[/]");
        }

        if (result.HasNoPeopleMarker)
        {
            ansi.MarkupLine("[green]no-people marker present[/]");
        }

        foreach (var problem in result.Problems)
        {
            ansi.MarkupLine($"[red]{Markup.Escape(problem.Code)}[/]: {Markup.Escape(problem.Message)}");
        }
    }

    private static string[] Resolution(InspectResolution resolution, TagResolution tag, bool unnamed = false) =>
        [Markup.Escape(resolution.ResolvesTo(tag, unnamed)), Markup.Escape(resolution.ConsentOf(tag))];

    private static string Format(FaceRegion r) =>
        string.Create(CultureInfo.InvariantCulture, $"x {r.Left:0.###} y {r.Top:0.###} w {r.Width:0.###} h {r.Height:0.###}");

    internal static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}

/// <summary>One line of <c>inspect --json</c>.</summary>
internal sealed record InspectLine(
    string Path,
    string Kind,
    string Format,
    IReadOnlyList<InspectLine.Person> Persons,
    IReadOnlyList<InspectLine.Keyword> Keywords,
    bool NoPeopleMarker,
    IReadOnlyList<InspectLine.Problem> Problems,
    long BytesRead)
{
    public static InspectLine From(string path, TagReadResult result) => new(
        path.Replace('\\', '/'),
        InspectCommand.Lower(result.Kind),
        InspectCommand.Lower(result.Format),
        [.. result.Persons.Select(p => new Person(p.Value, p.Source, p.Region, p.Alternatives))],
        [.. result.Keywords.Select(k => new Keyword(k.Value, k.Source))],
        result.HasNoPeopleMarker,
        [.. result.Problems.Select(p => new Problem(p.Code, p.Message))],
        result.BytesRead);

    internal sealed record Person(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Value,
        string Source,
        FaceRegion? Region,
        IReadOnlyList<string>? Alternatives);

    internal sealed record Keyword(string Value, string Source);

    internal sealed record Problem(string Code, string Message);
}
