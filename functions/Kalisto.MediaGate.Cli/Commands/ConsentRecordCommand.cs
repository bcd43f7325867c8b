using System.CommandLine;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// <c>mediagate consent show|history SCHOOL SUBJECT --storage CONN [--json]</c>: one record of the register, and
/// every change of it (who, when, old → new, oldest first). These are the register's own pages, so the display
/// name is shown (SPEC §10: the privacy officer's view); nothing else prints names.
/// </summary>
internal static class ConsentRecordCommand
{
    public static Command Show(CliConsole console) => Create(
        "show", "Show one subject's consent record: every field and its version.", console, ShowAsync);

    public static Command History(CliConsole console) => Create(
        "history", "Show every change of one subject's consent record: who, when, old → new (oldest first).", console, HistoryAsync);

    private static Command Create(
        string name, string description, CliConsole console, Func<string, string, StorageSession, bool, CliConsole, CancellationToken, Task<int>> body)
    {
        var school = new Argument<string>("school") { Description = "The school code, e.g. de-wilg." };
        var subject = new Argument<string>("subject") { Description = "The subject ID, e.g. LL-1001." };
        var storage = StorageCommand.Option();
        var json = new Option<bool>("--json") { Description = "One JSON object per line instead of a table." };
        var command = new Command(name, description) { school, subject, storage, json };
        command.SetAction((parsed, ct) =>
        {
            var code = ConsentFields.NormaliseSchool(parsed.GetRequiredValue(school));
            var id = parsed.GetRequiredValue(subject).Trim().ToUpperInvariant();
            return StorageCommand.RunAsync($"consent {name}", parsed.GetRequiredValue(storage), snapshotRegister: false, console, ct, async session =>
            {
                if (!ConsentFields.IsSchoolCode(code))
                {
                    return await NotFoundAsync(name, code, id, session, console, ct);
                }

                if (!session.Get<IOptions<ConsentOptions>>().Value.SubjectIdRegex().IsMatch(id))
                {
                    console.Error.WriteLine($"mediagate consent {name}: '{id}' is not a subject ID (such as LL-1001)");
                    return MediaGateCommandLine.UsageError;
                }

                return await body(code, id, session, parsed.GetValue(json), console, ct);
            });
        });
        return command;
    }

    private static async Task<int> ShowAsync(string school, string subject, StorageSession session, bool json, CliConsole console, CancellationToken ct)
    {
        if (await session.Get<TableConsentRegister>().GetAsync(school, subject, ct) is not { } record)
        {
            return await NotFoundAsync("show", school, subject, session, console, ct);
        }

        var line = ConsentLine.From(record);
        if (json)
        {
            using var lines = new JsonLines<ConsentLine>(console.Out, CliJsonContext.Default.ConsentLine);
            lines.Write(line);
            return MediaGateCommandLine.Ok;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("field", "value");
        foreach (var (field, value) in line.Fields())
        {
            table.AddRow(field, Markup.Escape(value));
        }

        console.Ansi.Write(table);
        return MediaGateCommandLine.Ok;
    }

    private static async Task<int> HistoryAsync(string school, string subject, StorageSession session, bool json, CliConsole console, CancellationToken ct)
    {
        var changes = await session.Get<TableConsentRegister>().HistoryAsync(school, subject, ct);
        if (changes.Count == 0)
        {
            return await NotFoundAsync("history", school, subject, session, console, ct);
        }

        var lines = changes.Select(ConsentHistoryLine.From).OrderBy(c => c.Version).ToList();
        if (json)
        {
            using var writer = new JsonLines<ConsentHistoryLine>(console.Out, CliJsonContext.Default.ConsentHistoryLine);
            foreach (var line in lines)
            {
                writer.Write(line);
            }

            return MediaGateCommandLine.Ok;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("version", "when (UTC)", "who", "change");
        foreach (var line in lines)
        {
            var change = line.Old is null
                ? "added: " + string.Join(", ", line.New.Fields().Where(f => f.Value.Length > 0 && f.Field is not "school" and not "subject_id" and not "version").Select(f => $"{f.Field} {f.Value}"))
                : string.Join(", ", line.Changes.Select(c => $"{c.Field}: {Shown(c.Old)} → {Shown(c.New)}"));
            table.AddRow(line.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), line.ChangedAt, Markup.Escape(line.ChangedBy), Markup.Escape(change));
        }

        console.Ansi.Write(table);
        console.Ansi.MarkupLine($"{lines.Count} change(s).");
        return MediaGateCommandLine.Ok;
    }

    private static string Shown(string value) => value.Length == 0 ? "(none)" : value;

    private static async Task<int> NotFoundAsync(string name, string school, string subject, StorageSession session, CliConsole console, CancellationToken ct)
    {
        if (await ItemFilter.IsKnownSchoolAsync($"consent {name}", school, session, console, ct))
        {
            console.Error.WriteLine($"mediagate consent {name}: {school} has no consent record for {subject}");
        }

        return MediaGateCommandLine.UsageError;
    }
}

/// <summary>One consent record as <c>consent show --json</c> prints it (and inside history lines): every field and the version.</summary>
internal sealed record ConsentLine(
    string School,
    string SubjectId,
    string Kind,
    string DisplayName,
    IReadOnlyList<string> Channels,
    string ValidFrom,
    string ValidUntil,
    string? WithdrawnOn,
    string? Evidence,
    long Version)
{
    public static ConsentLine From(ConsentRecord record) => new(
        record.School,
        record.SubjectId,
        record.Kind == SubjectKind.Staff ? "staff" : "pupil",
        record.DisplayName,
        record.Channels,
        ConsentFields.Format(record.ValidFrom),
        ConsentFields.Format(record.ValidUntil),
        record.WithdrawnOn is { } withdrawn ? ConsentFields.Format(withdrawn) : null,
        record.Evidence,
        record.Version);

    /// <summary>The fields by their register names (SPEC §4), in the register's order; empty text for none.</summary>
    public IEnumerable<(string Field, string Value)> Fields() =>
    [
        ("school", School),
        ("subject_id", SubjectId),
        ("kind", Kind),
        ("display_name", DisplayName),
        ("channels", string.Join(';', Channels)),
        ("valid_from", ValidFrom),
        ("valid_until", ValidUntil),
        ("withdrawn_on", WithdrawnOn ?? string.Empty),
        ("evidence", Evidence ?? string.Empty),
        ("version", Version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}

/// <summary>One change of a record, as <c>consent history --json</c> prints it: who, when, the record before (null when added) and after.</summary>
internal sealed record ConsentHistoryLine(
    string School,
    string SubjectId,
    long Version,
    string ChangedAt,
    string ChangedBy,
    IReadOnlyList<ConsentHistoryLine.FieldChange> Changes,
    ConsentLine? Old,
    ConsentLine New)
{
    public static ConsentHistoryLine From(ConsentChange change)
    {
        var old = change.Old is null ? null : ConsentLine.From(change.Old);
        var @new = ConsentLine.From(change.New);
        var before = old?.Fields().ToDictionary(f => f.Field, f => f.Value) ?? [];
        var changes = @new.Fields()
            .Where(f => f.Field is not "school" and not "subject_id" and not "version")
            .Where(f => old is null ? f.Value.Length > 0 : before[f.Field] != f.Value)
            .Select(f => new FieldChange(f.Field, before.GetValueOrDefault(f.Field, string.Empty), f.Value))
            .ToList();
        return new ConsentHistoryLine(change.School, change.SubjectId, change.New.Version, DecisionLine.Timestamp(change.ChangedAt), change.ChangedBy, changes, old, @new);
    }

    /// <summary>A field of the register (its CSV name), with its value before and after (empty text for none).</summary>
    internal sealed record FieldChange(string Field, string Old, string New);
}
