using System.CommandLine;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Lifecycle;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// <c>mediagate audit export --storage CONN [--from DATE] [--to DATE] [--school S] [--out FILE]</c>: by default the last
/// 30 days up to today in the school's time zone, as the web app's audit page offers.
/// </summary>
internal static class AuditCommand
{
    public static Command Create(CliConsole console)
    {
        var storage = StorageCommand.Option();
        var from = new Option<DateOnly?>("--from") { Description = "First day (yyyy-MM-dd); default 29 days before --to.", CustomParser = ScreenCommand.ParseDate };
        var to = new Option<DateOnly?>("--to") { Description = "Last day, included (yyyy-MM-dd); default today.", CustomParser = ScreenCommand.ParseDate };
        var school = new Option<string?>("--school") { Description = "Only this school's decisions." };
        var output = new Option<string?>("--out") { Description = "Write the CSV to this file instead of standard output." };
        var export = new Command("export", "Every decision of a period as CSV, with the consent record versions each used (subject IDs, no names).") { storage, from, to, school, output };
        export.SetAction((parsed, ct) => ExportAsync(parsed.GetRequiredValue(storage), parsed.GetValue(from), parsed.GetValue(to), parsed.GetValue(school), parsed.GetValue(output), console, ct));
        return new Command("audit", "The audit trail of decisions.") { export };
    }

    private static Task<int> ExportAsync(string connection, DateOnly? from, DateOnly? to, string? school, string? output, CliConsole console, CancellationToken ct)
    {
        if (to < from)
        {
            console.Error.WriteLine("mediagate audit export: --to is before --from");
            return Task.FromResult(MediaGateCommandLine.UsageError);
        }

        if (output is not null && InputFiles.CheckOutputFile(output) is { } problem)
        {
            return Task.FromResult(ConsentCommand.OutputProblem(console, "audit export", problem));
        }

        return StorageCommand.RunAsync("audit export", connection, snapshotRegister: false, console, ct, async session =>
        {
            var options = session.Get<IOptions<ConsentOptions>>().Value;
            var last = to ?? (from is { } f && f > options.Today(DateTimeOffset.UtcNow) ? f : options.Today(DateTimeOffset.UtcNow));
            var first = from ?? last.AddDays(-(Web.Pages.AuditPage.DefaultDays - 1));
            var (start, end) = (ScreenCommand.StartOfDay(first, options), ScreenCommand.StartOfDay(last.AddDays(1), options));
            var audit = session.Get<AuditExport>();
            var schoolCode = (school is null ? null : ConsentFields.NormaliseSchool(school));
            if (output is null)
            {
                // The header is written all the same: a CSV of no rows is still the CSV asked for.
                if (await audit.WriteAsync(console.Out, start, end, schoolCode, ct) == 0)
                {
                    console.Error.WriteLine($"mediagate audit export: 0 decisions in that period ({first:yyyy-MM-dd} to {last:yyyy-MM-dd}{(schoolCode is null ? string.Empty : ", " + schoolCode)}); only the header was written.");
                }

                return MediaGateCommandLine.Ok;
            }

            int count;
            await using (var writer = new StreamWriter(output, append: false, new System.Text.UTF8Encoding(false)))
            {
                count = await audit.WriteAsync(writer, start, end, schoolCode, ct);
            }

            console.Ansi.MarkupLine(count == 0
                ? $"0 decisions in that period ({first:yyyy-MM-dd} to {last:yyyy-MM-dd}); [blue]{Markup.Escape(output)}[/] has the header only."
                : $"Exported {count} decision(s) of {first:yyyy-MM-dd} to {last:yyyy-MM-dd} to [blue]{Markup.Escape(output)}[/].");
            return MediaGateCommandLine.Ok;
        });
    }
}
