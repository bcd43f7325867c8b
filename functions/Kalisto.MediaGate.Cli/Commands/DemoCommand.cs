using System.CommandLine;
using Kalisto.MediaGate.Cli.Demo;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Imaging.Faces;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary><c>mediagate demo [--out DIR]</c>: makes a small upload set and its register, and screens it.</summary>
internal static class DemoCommand
{
    private const string Marker = ".mediagate-demo";

    public static Command Create(CliConsole console)
    {
        var output = new Option<string>("--out")
        {
            Description = "Folder for the demo (uploads/, consent.csv, screened/). Default: ./mediagate-demo",
            DefaultValueFactory = _ => "mediagate-demo",
        };
        var command = new Command("demo", "Create a small, realistic upload set for two schools with its consent register, and screen it.")
        {
            output,
        };
        command.SetAction((parsed, ct) => RunAsync(parsed.GetRequiredValue(output), console, ct));
        return command;
    }

    private static async Task<int> RunAsync(string folder, CliConsole console, CancellationToken ct)
    {
        if (File.Exists(folder))
        {
            console.Error.WriteLine($"mediagate demo: --out is a file, not a folder: {folder}");
            return MediaGateCommandLine.UsageError;
        }

        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            if (!File.Exists(Path.Combine(folder, Marker)))
            {
                console.Error.WriteLine($"mediagate demo: {folder} exists and is not an earlier demo; choose another folder with --out");
                return MediaGateCommandLine.UsageError;
            }

            Directory.Delete(folder, recursive: true); // an earlier demo run: start afresh
        }

        var uploads = Path.Combine(folder, "uploads");
        var csvPath = Path.Combine(folder, "consent.csv");
        var screened = Path.Combine(folder, "screened");
        if (InputFiles.CheckOutputFolder(folder) is { } problem)
        {
            console.Error.WriteLine($"mediagate demo: {problem}");
            return MediaGateCommandLine.UsageError;
        }

        await File.WriteAllTextAsync(Path.Combine(folder, Marker), "Created by mediagate demo; safe to delete.\n", ct);
        DemoUploadSet.Write(uploads, csvPath);

        using var services = OfflineServices.Create(console, "demo");
        if (services is null)
        {
            return MediaGateCommandLine.UsageError;
        }

        var options = services.Consent;
        var records = ConsentFile.Load(csvPath, options, console, "demo")?.Records
            ?? throw new InvalidOperationException("The demo register does not parse.");
        var register = new InMemoryConsentRegister();
        await register.ImportAsync(records, "demo", ct);
        Directory.CreateDirectory(screened);
        var date = DemoUploadSet.ScreeningDate;
        console.Ansi.MarkupLine($"Screening the demo uploads of two schools as on [bold]{date:yyyy-MM-dd}[/]…");
        IReadOnlyList<DecisionLine> decisions;
        try
        {
            decisions = await new OfflineScreening(register, services, console)
                .RunAsync(uploads, screened, ScreenCommand.Moment(date, options), json: false, ct);
        }
        catch (FaceModelMissingException e)
        {
            // As screen: without the detector no image is decided, and what this run copied is not a result.
            Directory.Delete(screened, recursive: true);
            console.Error.WriteLine($"mediagate demo: faces cannot be detected, so no image is approved: {e.Message}");
            return StorageCommand.StorageError;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("item", "outcome", "channels", "reasons");
        foreach (var d in decisions)
        {
            table.AddRow(
                Markup.Escape(d.Path),
                OutcomeMarkup(d.Outcome),
                Markup.Escape(string.Join(", ", d.Channels)),
                Markup.Escape(string.Join(", ", d.Reasons.Select(r => r.Subject is null ? r.Code : $"{r.Code} ({r.Subject})"))));
        }

        console.Ansi.Write(table);
        OfflineScreening.RenderSummary(console.Ansi, decisions, screened);
        console.Ansi.MarkupLine($"Uploads: [blue]{Markup.Escape(uploads)}[/]   Register: [blue]{Markup.Escape(csvPath)}[/]");
        console.Ansi.MarkupLine($"Try: [grey]mediagate inspect {Markup.Escape(Path.Combine(uploads, "de-wilg", "sportdag", "finish.jpg"))}[/]");
        return MediaGateCommandLine.Ok;
    }

    internal static string OutcomeMarkup(string outcome) => outcome switch
    {
        "approved" => "[green]approved[/]",
        "redacted" => "[blue]redacted[/]",
        "screening" => "[grey]screening[/]",
        _ => "[yellow]quarantined[/]",
    };
}
