using System.CommandLine;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary><c>mediagate consent import|export|withdraw|show|history</c>: the register on a storage account.</summary>
internal static class ConsentCommand
{
    public static Command Create(CliConsole console)
    {
        return new Command("consent", "Manage the consent register on a storage account.")
        {
            Import(console),
            Export(console),
            Withdraw(console),
            ConsentRecordCommand.Show(console),
            ConsentRecordCommand.History(console),
        };
    }

    private static Command Import(CliConsole console)
    {
        var csv = new Argument<string>("csv") { Description = "The register as CSV (school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence)." };
        var storage = StorageCommand.Option();
        var command = new Command("import", "Import a consent CSV (all or nothing), keeping the history of every change.") { csv, storage };
        command.SetAction((parsed, ct) => ImportAsync(parsed.GetRequiredValue(csv), parsed.GetRequiredValue(storage), console, ct));
        return command;
    }

    private static Command Export(CliConsole console)
    {
        var storage = StorageCommand.Option();
        var output = new Option<string?>("--out") { Description = "Write the CSV to this file instead of standard output." };
        var command = new Command("export", "Export the register as CSV.") { storage, output };
        command.SetAction((parsed, ct) => ExportAsync(parsed.GetRequiredValue(storage), parsed.GetValue(output), console, ct));
        return command;
    }

    private static Task<int> ImportAsync(string path, string connection, CliConsole console, CancellationToken ct)
    {
        if (InputFiles.CheckInputFile(path) is { } unreadable)
        {
            console.Error.WriteLine($"mediagate consent import: {unreadable}");
            return Task.FromResult(MediaGateCommandLine.UsageError);
        }

        return StorageCommand.RunAsync("consent import", connection, snapshotRegister: false, console, ct, async session =>
        {
            if (ConsentFile.Load(path, session.Get<IOptions<ConsentOptions>>().Value, console, "consent import") is not { } csv)
            {
                return MediaGateCommandLine.UsageError;
            }

            var records = csv.Records;
            ImportSummary summary;
            try
            {
                summary = await session.Get<ConsentChanges>().ImportAsync(records, ChangedBy(path), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Each record is its own transaction with its history and the re-screen it owes.
                return StorageCommand.Stopped(console, "consent import", "before the import finished; each record is changed whole (with its history) or not at all, and the re-screens owed are kept; import the same file again to finish (records already imported stay unchanged)");
            }

            ConsentFile.Describe(console.Ansi, path, csv);
            console.Ansi.MarkupLine($"Imported {records.Count} record(s): [green]{summary.Added} added[/], [yellow]{summary.Changed} changed[/], {summary.Unchanged} unchanged.");
            foreach (var warning in summary.Warnings)
            {
                console.Ansi.MarkupLine($"[yellow]{Markup.Escape(warning.Message)}[/]");
            }

            if (summary.ChangedSubjects.Count > 0)
            {
                console.Ansi.MarkupLine($"Queued {summary.ChangedSubjects.Count} re-screen(s); [grey]mediagate rescreen --storage ...[/] processes them (the Functions app does so by itself).");
            }
            return MediaGateCommandLine.Ok;
        });
    }

    private static Task<int> ExportAsync(string connection, string? output, CliConsole console, CancellationToken ct) =>
        output is not null && InputFiles.CheckOutputFile(output) is { } problem
            ? Task.FromResult(OutputProblem(console, "consent export", problem))
            : StorageCommand.RunAsync("consent export", connection, snapshotRegister: false, console, ct, async session =>
        {
            var records = await session.Get<TableConsentRegister>().ExportAsync(ct);
            if (output is null)
            {
                ConsentCsv.Write(console.Out, records);
                return MediaGateCommandLine.Ok;
            }

            await using (var writer = new StreamWriter(output, append: false, new System.Text.UTF8Encoding(false)))
            {
                ConsentCsv.Write(writer, records);
            }

            console.Ansi.MarkupLine($"Exported {records.Count} record(s) to [blue]{Markup.Escape(output)}[/].");
            return MediaGateCommandLine.Ok;
        });

    private static Command Withdraw(CliConsole console)
    {
        var school = new Argument<string>("school") { Description = "The school code, e.g. de-wilg." };
        var subject = new Argument<string>("subject") { Description = "The subject ID, e.g. LL-1001." };
        var storage = StorageCommand.Option();
        var on = new Option<DateOnly?>("--on") { Description = "Withdrawn from this date (yyyy-MM-dd); default today.", CustomParser = ScreenCommand.ParseDate };
        var command = new Command("withdraw", "Withdraw a subject's consent (history kept) and queue the re-screen of its items.") { school, subject, storage, on };
        command.SetAction((parsed, ct) => WithdrawAsync(parsed.GetRequiredValue(school), parsed.GetRequiredValue(subject), parsed.GetValue(on), parsed.GetRequiredValue(storage), console, ct));
        return command;
    }

    private static Task<int> WithdrawAsync(string school, string subject, DateOnly? on, string connection, CliConsole console, CancellationToken ct)
    {
        school = ConsentFields.NormaliseSchool(school);
        subject = subject.Trim().ToUpperInvariant();
        return StorageCommand.RunAsync("consent withdraw", connection, snapshotRegister: false, console, ct, async session =>
        {
            var write = await session.Get<ConsentChanges>().WithdrawAsync(school, subject, on, ChangedBy("consent withdraw"), ct);
            if (write.Record is not { } record)
            {
                console.Error.WriteLine($"mediagate consent withdraw: {school} has no consent record for {subject}");
                return MediaGateCommandLine.UsageError;
            }

            if (write.Outcome == ConsentWriteOutcome.BeforeValidFrom)
            {
                console.Error.WriteLine($"mediagate consent withdraw: {on:yyyy-MM-dd} is before the consent of {school} {subject} starts (valid_from {record.ValidFrom:yyyy-MM-dd}); give --on {record.ValidFrom:yyyy-MM-dd} or later. Nothing changed.");
                return MediaGateCommandLine.UsageError;
            }

            if (!write.Written)
            {
                console.Ansi.MarkupLine($"Consent of {Markup.Escape(school)} {Markup.Escape(subject)} is already withdrawn from [yellow]{record.WithdrawnOn:yyyy-MM-dd}[/] (version {record.Version}); nothing changed.");
                return MediaGateCommandLine.Ok;
            }

            console.Ansi.MarkupLine($"Consent of {Markup.Escape(school)} {Markup.Escape(subject)} withdrawn from [yellow]{record.WithdrawnOn:yyyy-MM-dd}[/] (version {record.Version}). Queued the re-screen of its items; [grey]mediagate rescreen --storage ...[/] processes it.");
            return MediaGateCommandLine.Ok;
        });
    }

    /// <summary>Prints an <c>--out</c> that cannot be written: a usage error.</summary>
    internal static int OutputProblem(CliConsole console, string name, string problem)
    {
        console.Error.WriteLine($"mediagate {name}: {problem}");
        return MediaGateCommandLine.UsageError;
    }

    /// <summary>Who made the change, for the history: the operating-system user and the file.</summary>
    internal static string ChangedBy(string source) => $"{Environment.UserName} (mediagate, {Path.GetFileName(source)})";
}
