using System.CommandLine;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Lifecycle;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// <c>mediagate expire --storage CONN [--now DATE] [--json]</c>: the daily run of the <c>ExpireConsents</c> timer
/// (<see cref="ConsentExpiry"/>) on demand: re-screens queued for records whose dates passed since the last run,
/// re-screens owed in the outbox queued again, every item reconciled with the register; then the queued
/// re-screens are processed here, as <c>mediagate rescreen</c> does, so nothing is left for it afterwards.
/// </summary>
/// <remarks>
/// The re-screens are processed in the same run, not left queued, so that they are decided at the same
/// moment as the run (with <c>--now</c>, that date) and an expiry takes effect when the command returns.
/// <c>--now</c> decides as of another day, which releases consent that has not started yet or restores
/// consent withdrawn since: it is refused on any storage but a local one (Azurite), where it is for trying
/// the lifecycle out; and a day before the last run is refused, because the run would not look at it.
/// </remarks>
internal static class ExpireCommand
{
    public static Command Create(CliConsole console)
    {
        var storage = StorageCommand.Option();
        var now = new Option<DateOnly?>("--now")
        {
            Description = "Run as on this day (yyyy-MM-dd), on a local storage account (Azurite) only; default today.",
            CustomParser = ScreenCommand.ParseDate,
        };
        var json = new Option<bool>("--json") { Description = "One JSON object with the counts instead of a table." };
        var command = new Command("expire", "Do the daily run now (what the ExpireConsents function does): dates that passed, owed re-screens, reconciliation.") { storage, now, json };
        command.SetAction((parsed, ct) => RunAsync(parsed.GetRequiredValue(storage), parsed.GetValue(now), parsed.GetValue(json), console, ct));
        return command;
    }

    private static Task<int> RunAsync(string connection, DateOnly? now, bool json, CliConsole console, CancellationToken ct)
    {
        if (now is not null && !IsLocal(connection))
        {
            console.Error.WriteLine("mediagate expire: --now is only for a storage account on this machine (Azurite); on other storage the run is for today");
            return Task.FromResult(MediaGateCommandLine.UsageError);
        }

        var clock = now is null ? null : new FixedClock();
        return StorageCommand.RunAsync("expire", connection, snapshotRegister: false, console, ct, async session =>
        {
            var expiry = session.Get<ConsentExpiry>();
            if (clock is not null)
            {
                if (await expiry.LastRunAsync(ct) is { } last && now!.Value < last.Day)
                {
                    console.Error.WriteLine($"mediagate expire: --now {ConsentFields.Format(now.Value)} is before the last run ({ConsentFields.Format(last.Day)}), which handled it already");
                    return MediaGateCommandLine.UsageError;
                }

                clock.Moment = ScreenCommand.Moment(now, session.Get<IOptions<ConsentOptions>>().Value);
            }

            var run = await expiry.RunDailyAsync(ct);
            var rescreen = await RescreenCommand.ProcessAsync(session, school: null, "expire", console, ct);
            var line = new ExpireLine(
                ConsentFields.Format(run.Since),
                ConsentFields.Format(run.Today),
                DecisionLine.Timestamp(run.At),
                run.DatesPassed,
                run.Requeued,
                run.Reconciled,
                rescreen.Subjects,
                rescreen.Moved,
                rescreen.Failed);
            if (json)
            {
                using var lines = new JsonLines<ExpireLine>(console.Out, CliJsonContext.Default.ExpireLine);
                lines.Write(line);
            }
            else
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("daily run", "count");
                table.AddRow($"subjects whose dates passed after {line.Since} up to {line.Day}, queued", Count(line.DatesPassed));
                table.AddRow("re-screens owed in the outbox, queued again", Count(line.Requeued));
                table.AddRow("items newly decided by the reconciliation", Count(line.Reconciled));
                table.AddRow("re-screens processed", Count(line.Rescreened));
                table.AddRow("items newly decided by the re-screens", Count(line.RescreenMoved));
                console.Ansi.Write(table);
                console.Ansi.MarkupLine(line.RescreenFailed == 0
                    ? "Daily run done; the re-screens were processed here: nothing is left for [grey]mediagate rescreen[/]."
                    : $"Daily run done; [yellow]{line.RescreenFailed} re-screen(s) or redaction(s) failed[/] and stay pending: run [grey]mediagate rescreen --storage ...[/] to retry them.");
            }

            return rescreen.Failed == 0 ? MediaGateCommandLine.Ok : StorageCommand.StorageError;
        }, clock);
    }

    /// <summary>
    /// Whether a connection string addresses storage on this machine, read without contacting it; a string
    /// that is no connection string counts as local here, and opening the storage reports it.
    /// </summary>
    private static bool IsLocal(string connection)
    {
        try
        {
            return MediaStorageConnection.FromConnectionString(connection).Blobs.Uri.IsLoopback;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return true;
        }
    }

    private static string Count(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The clock of a run with <c>--now</c>: the moment that day stands for, set once the schools' time zone is known.</summary>
    private sealed class FixedClock : TimeProvider
    {
        public DateTimeOffset Moment { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Moment.ToUniversalTime();
    }
}

/// <summary>What <c>mediagate expire --json</c> prints: the day handled and the counts of the run.</summary>
/// <param name="Since">The last day handled before this run.</param>
/// <param name="Day">The day this run handled (dates after <paramref name="Since"/> up to it counted).</param>
/// <param name="At">When the run finished (UTC).</param>
/// <param name="DatesPassed">Subjects queued for re-screening because a date in their record passed.</param>
/// <param name="Requeued">Re-screens owed in the outbox, queued again.</param>
/// <param name="Reconciled">Items the reconciliation recorded a new decision for.</param>
/// <param name="Rescreened">Re-screens processed in this run.</param>
/// <param name="RescreenMoved">Items those re-screens recorded a new decision for.</param>
/// <param name="RescreenFailed">Re-screens or redactions that failed and stay pending (<c>mediagate rescreen</c> retries them).</param>
internal sealed record ExpireLine(
    string Since,
    string Day,
    string At,
    int DatesPassed,
    int Requeued,
    int Reconciled,
    int Rescreened,
    int RescreenMoved,
    int RescreenFailed);
