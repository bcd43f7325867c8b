using System.CommandLine;
using System.Globalization;
using System.Text.Json.Serialization;
using Kalisto.MediaGate.Tags;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary><c>mediagate inspect PATH... [--json]</c>: which tags were found where.</summary>
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
        var command = new Command("inspect", "Show which people and keywords are tagged in media files, and where each tag was found.")
        {
            paths,
            json,
        };
        command.SetAction(parsed => Run(parsed.GetRequiredValue(paths), parsed.GetValue(json), console));
        return command;
    }

    private static int Run(string[] paths, bool json, CliConsole console)
    {
        IReadOnlyList<string> files;
        try
        {
            var listing = InputFiles.List(paths);
            files = listing.Files;
            if (listing.Skipped.Describe("not inspected") is { } skipped)
            {
                console.Error.WriteLine($"mediagate inspect: {skipped}");
            }
        }
        catch (UsageException e)
        {
            console.Error.WriteLine($"mediagate inspect: {e.Message}");
            return MediaGateCommandLine.UsageError;
        }

        var reader = new TagReader();
        using var lines = json ? new JsonLines<InspectLine>(console.Out, CliJsonContext.Default.InspectLine) : null;
        foreach (var file in files)
        {
            TagReadResult result;
            try
            {
                using var stream = InputFiles.OpenForTags(file);
                result = reader.Read(stream, Path.GetFileName(file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                result = new TagReadResult
                {
                    Kind = MediaKind.Unsupported,
                    Format = MediaFormat.Unknown,
                    Problems = [new TagProblem(Decisions.ReasonCode.Unreadable, $"the file could not be opened: {e.Message}")],
                };
            }

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

    private static void Render(IAnsiConsole ansi, string file, TagReadResult result)
    {
        var kind = result.Kind == MediaKind.Unsupported
            ? "unsupported"
            : $"{Lower(result.Kind)} ({Lower(result.Format)})";
        CliConsole.Heading(ansi, $"[bold]{Markup.Escape(file)}[/] [grey]{Markup.Escape(kind)}[/]");
        if (result.Persons.Count + result.Keywords.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Field", "Value", "Found in", "Face region");
            foreach (var person in result.Persons)
            {
                table.AddRow(
                    "person",
                    person.Value is null ? "[italic yellow](unnamed face)[/]" : Markup.Escape(person.Value),
                    Markup.Escape(person.Source),
                    person.Region is { } r ? Markup.Escape(Format(r)) : string.Empty);
            }

            foreach (var keyword in result.Keywords)
            {
                table.AddRow("keyword", Markup.Escape(keyword.Value), Markup.Escape(keyword.Source), string.Empty);
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

        ansi.WriteLine();
    }

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
