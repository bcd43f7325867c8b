using System.Text.Json;
using Kalisto.MediaGate.Cli.Demo;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Cli.Tests.Commands;

/// <summary>
/// The commands against storage, end to end on their own Azurite (the command line uses the default
/// container, table and queue names, so this class does not share an account with other tests).
/// </summary>
public sealed class StorageCommandsTests : IClassFixture<Azurite>, IDisposable
{
    private readonly Azurite _azurite;
    private readonly string _folder = Directory.CreateTempSubdirectory("mediagate-cli-").FullName;

    public StorageCommandsTests(Azurite azurite)
    {
        _azurite = azurite;
        StorageAccount.Empty(azurite.ConnectionString); // each test starts from an empty account
    }

    [Fact]
    public void Import_upload_screen_and_list_run_the_whole_pipeline()
    {
        var uploads = Path.Combine(_folder, "uploads");
        var csv = Path.Combine(_folder, "consent.csv");
        DemoUploadSet.Write(uploads, csv);
        var storage = _azurite.ConnectionString;

        var import = CommandLineRun.Of("consent", "import", csv, "--storage", storage);
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("7 added", import.Console, StringComparison.Ordinal);
        Assert.Equal(0, CommandLineRun.Of("consent", "import", csv, "--storage", storage).ExitCode);
        var export = CommandLineRun.Of("consent", "export", "--storage", storage);
        var written = ConsentCsv.Read(new StringReader(File.ReadAllText(csv)), new ConsentOptions()).Records;
        var exported = ConsentCsv.Read(new StringReader(export.Out), new ConsentOptions()).Records;
        Assert.Equal(written.Count, exported.Count);
        Assert.All(written, r => Assert.Contains(exported, e => e.SameContentAs(r)));

        var upload = CommandLineRun.Of("upload", uploads, "--storage", storage);
        Assert.Equal(0, upload.ExitCode);
        Assert.Contains("Uploaded 10 file(s)", upload.Console, StringComparison.Ordinal);

        var screen = CommandLineRun.Of("screen", "--storage", storage, "--json");
        Assert.Equal(0, screen.ExitCode);
        var decisions = StorageAccount.Lines(screen.Out);
        Assert.Equal(10, decisions.Count);
        Assert.Equal("quarantined", Outcome(decisions, "de-wilg/groep8/schoolplein.jpg"));
        Assert.Equal("approved", Outcome(decisions, "de-wilg/groep8/lege-gang.jpg"));
        Assert.Equal("quarantined", Outcome(decisions, "het-anker/excursie/onbekend.jpg"));

        // The previews the decisions asked for are made too: one per image, none for the video nor for the
        // image that cannot be decoded.
        var images = decisions.Count(d => d.GetProperty("path").GetString() is not ("de-wilg/musical/uitvoering.mp4" or "de-wilg/musical/kapot.jpg"));
        Assert.Equal(8, images);
        var previews = new Azure.Storage.Blobs.BlobContainerClient(storage, "previews").GetBlobs().Select(b => b.Name).ToList();
        Assert.Equal(images, previews.Count);
        Assert.All(previews, name => Assert.Matches("^(de-wilg|het-anker)/[0-9a-f]{32}\\.jpg$", name));
        Assert.Equal(0, new Azure.Storage.Queues.QueueClient(storage, "previews").GetProperties().Value.ApproximateMessagesCount);

        var again = CommandLineRun.Of("screen", "--storage", storage, "--json");
        Assert.Equal(string.Empty, again.Out); // everything was moved: nothing left to screen

        var items = CommandLineRun.Of("items", "--storage", storage, "--json", "--school", "het-anker");
        Assert.Equal(0, items.ExitCode);
        var listed = StorageAccount.Lines(items.Out);
        Assert.Equal(["het-anker/excursie/bus.jpg", "het-anker/excursie/dierentuin.jpg", "het-anker/excursie/onbekend.jpg"], listed.Select(i => i.GetProperty("path").GetString()));
        var unknown = listed.Single(i => i.GetProperty("path").GetString() == "het-anker/excursie/onbekend.jpg");
        Assert.Equal("quarantined", unknown.GetProperty("state").GetString());
        Assert.Equal("unknown-subject", unknown.GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.Equal("LL-9999", unknown.GetProperty("reasons")[0].GetProperty("subject").GetString());
        // Subject IDs, never a name from the register (LL-2001 is tagged by ID); a name as a teacher tagged it is
        // shown with the reason it gave, so the school can tell what to fix.
        Assert.DoesNotContain("Fleur", items.Out, StringComparison.Ordinal);
        var bus = listed.Single(i => i.GetProperty("path").GetString() == "het-anker/excursie/bus.jpg").GetProperty("reasons")[0];
        Assert.Equal(("unresolved-person", "Emma de Vries"), (bus.GetProperty("code").GetString(), bus.GetProperty("tags")[0].GetProperty("value").GetString()));
        Assert.Contains("de-wilg/", CommandLineRun.Of("items", "--storage", storage).Console, StringComparison.Ordinal);
    }

    [Fact]
    public void Items_say_which_tag_gave_each_reason_and_inspect_resolves_against_the_register_in_storage()
    {
        var uploads = Path.Combine(_folder, "uploads");
        var csv = Path.Combine(_folder, "consent.csv");
        DemoUploadSet.Write(uploads, csv);
        var storage = _azurite.ConnectionString;
        Assert.Equal(0, CommandLineRun.Of("consent", "import", csv, "--storage", storage).ExitCode);
        Assert.Equal(0, CommandLineRun.Of("upload", Path.Combine(uploads, "het-anker"), "--to", "het-anker", "--storage", storage).ExitCode);
        Assert.Equal(0, CommandLineRun.Of("screen", "--storage", storage, "--json").ExitCode);

        var items = StorageAccount.Lines(CommandLineRun.Of("items", "--storage", storage, "--json", "--school", "het-anker").Out);
        var reason = items.Single(i => i.GetProperty("path").GetString() == "het-anker/excursie/onbekend.jpg").GetProperty("reasons")[0];
        Assert.Equal(("unknown-subject", "LL-9999"), (reason.GetProperty("code").GetString(), reason.GetProperty("subject").GetString()));
        var tag = reason.GetProperty("tags")[0];
        Assert.Equal("LL-9999", tag.GetProperty("value").GetString());
        Assert.False(string.IsNullOrEmpty(tag.GetProperty("tag").GetString()));
        var table = CommandLineRun.Of("items", "--storage", storage, "--school", "het-anker", "--lang", "nl");
        Assert.Contains("unknown-subject (LL-9999): “LL-9999” in", table.Console, StringComparison.Ordinal);
        Assert.Contains("toestemmingsregister", table.Console, StringComparison.Ordinal);

        var inspect = CommandLineRun.Of("inspect", "--json", Path.Combine(uploads, "het-anker", "excursie", "onbekend.jpg"), "--storage", storage);
        Assert.Equal(0, inspect.ExitCode);
        var line = Assert.Single(StorageAccount.Lines(inspect.Out));
        Assert.Equal("het-anker", line.GetProperty("school").GetString());
        Assert.Contains(line.GetProperty("decision").GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "unknown-subject");
    }

    [Fact]
    public void Withdraw_then_rescreen_takes_the_items_out_of_approved_and_the_audit_shows_why()
    {
        var uploads = Path.Combine(_folder, "uploads");
        var csv = Path.Combine(_folder, "consent.csv");
        DemoUploadSet.Write(uploads, csv);
        var storage = _azurite.ConnectionString;
        Assert.Equal(0, CommandLineRun.Of("consent", "import", csv, "--storage", storage).ExitCode);
        Assert.Equal(0, CommandLineRun.Of("upload", Path.Combine(uploads, "het-anker"), "--to", "het-anker", "--storage", storage).ExitCode);
        Assert.Equal(0, CommandLineRun.Of("screen", "--storage", storage, "--json").ExitCode);
        Assert.Equal(0, CommandLineRun.Of("rescreen", "--storage", storage).ExitCode);
        var before = StorageAccount.Lines(CommandLineRun.Of("items", "--storage", storage, "--json", "--school", "het-anker").Out);
        var zoo = before.Single(i => i.GetProperty("path").GetString() == "het-anker/excursie/dierentuin.jpg");
        Assert.Equal("approved", zoo.GetProperty("state").GetString());
        var subject = zoo.GetProperty("subjects")[0].GetString()!;

        var withdraw = CommandLineRun.Of("consent", "withdraw", "het-anker", subject, "--storage", storage);
        var rescreen = CommandLineRun.Of("rescreen", "--storage", storage, "--school", "het-anker");

        Assert.Equal(0, withdraw.ExitCode);
        Assert.Equal(0, rescreen.ExitCode);
        Assert.Contains("1 item(s) decided again (outcome, channels or reasons changed)", rescreen.Console, StringComparison.Ordinal);
        var after = StorageAccount.Lines(CommandLineRun.Of("items", "--storage", storage, "--json", "--school", "het-anker").Out)
            .Single(i => i.GetProperty("path").GetString() == "het-anker/excursie/dierentuin.jpg");
        Assert.Equal("quarantined", after.GetProperty("state").GetString());
        Assert.Equal("consent-withdrawn", after.GetProperty("reasons")[0].GetProperty("code").GetString());
        // Days in the school's time zone, which the audit's days are in (near midnight that is not the UTC day); from
        // yesterday, should midnight fall between the rescreen and this line.
        var today = new ConsentOptions().Today(DateTimeOffset.UtcNow);
        var audit = CommandLineRun.Of("audit", "export", "--storage", storage, "--from", ConsentFields.Format(today.AddDays(-1)), "--to", ConsentFields.Format(today), "--school", "het-anker");
        Assert.Equal(0, audit.ExitCode);
        var rows = audit.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("decided_at,school,path,trigger,outcome", rows[0], StringComparison.Ordinal);
        Assert.Contains(rows, r => r.Contains("dierentuin.jpg,rescreen,quarantined", StringComparison.Ordinal) && r.Contains($"consent-withdrawn:{subject}", StringComparison.Ordinal));
        Assert.DoesNotContain("Emma", audit.Out, StringComparison.Ordinal);

        // Without a period, the last 30 days up to today: what was just decided is in it.
        var recent = CommandLineRun.Of("audit", "export", "--storage", storage, "--school", "het-anker");
        Assert.Equal(0, recent.ExitCode);
        Assert.Contains(recent.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), r => r.Contains("dierentuin.jpg,rescreen,quarantined", StringComparison.Ordinal));
        var file = Path.Combine(_folder, "recent.csv");
        var toFile = CommandLineRun.Of("audit", "export", "--storage", storage, "--school", "het-anker", "--out", file);
        Assert.Contains($"of {ConsentFields.Format(today.AddDays(-29))} to {ConsentFields.Format(today)} to", toFile.Console, StringComparison.Ordinal);
        Assert.Equal(recent.Out.ReplaceLineEndings(), File.ReadAllText(file).ReplaceLineEndings());
        Assert.Equal(2, CommandLineRun.Of("consent", "withdraw", "het-anker", "LL-4040", "--storage", storage).ExitCode);
    }

    [Fact]
    public void A_bad_register_changes_nothing_and_names_the_line()
    {
        var csv = Path.Combine(_folder, "bad.csv");
        File.WriteAllText(csv, "school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence\nde-wilg,LL-5001,pupil,Fenna Smit,website,2026-08-01,2027-07-31,,form-1\nde-wilg,LL-5002,pupil,Bram Smit,tiktok,2026-08-01,2027-07-31,,form-2\n");

        var import = CommandLineRun.Of("consent", "import", csv, "--storage", _azurite.ConnectionString);

        Assert.Equal(2, import.ExitCode);
        Assert.Contains("line 3", import.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("LL-5001", CommandLineRun.Of("consent", "export", "--storage", _azurite.ConnectionString).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_re_import_after_a_withdrawal_keeps_it_and_a_repeated_withdrawal_changes_nothing()
    {
        var csv = Path.Combine(_folder, "consent.csv");
        File.WriteAllText(csv, "school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence\nde-wilg,LL-5001,pupil,Fenna Smit,website,2026-08-01,2027-07-31,,form-1\n");
        var storage = _azurite.ConnectionString;
        Assert.Equal(0, CommandLineRun.Of("consent", "import", csv, "--storage", storage).ExitCode);
        Assert.Equal(0, CommandLineRun.Of("consent", "withdraw", "de-wilg", "LL-5001", "--on", "2026-11-20", "--storage", storage).ExitCode);

        var again = CommandLineRun.Of("consent", "withdraw", "de-wilg", "LL-5001", "--on", "2026-11-25", "--storage", storage);
        var import = CommandLineRun.Of("consent", "import", csv, "--storage", storage);

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already withdrawn from 2026-11-20 (version 2); nothing changed", again.Console, StringComparison.Ordinal);
        Assert.DoesNotContain("Queued", again.Console, StringComparison.Ordinal);
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("0 added, 0 changed, 1 unchanged", import.Console, StringComparison.Ordinal);
        Assert.Contains("line 2: LL-5001 stays withdrawn since 2026-11-20", import.Console, StringComparison.Ordinal);
        Assert.Contains(",2026-11-20,form-1", CommandLineRun.Of("consent", "export", "--storage", storage).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_withdrawal_dated_before_the_consent_starts_is_refused_and_changes_nothing()
    {
        var csv = Path.Combine(_folder, "consent.csv");
        File.WriteAllText(csv, "school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence\nde-wilg,LL-5001,pupil,Fenna Smit,website,2026-08-01,2027-07-31,,form-1\n");
        var storage = _azurite.ConnectionString;
        Assert.Equal(0, CommandLineRun.Of("consent", "import", csv, "--storage", storage).ExitCode);
        var before = CommandLineRun.Of("consent", "export", "--storage", storage).Out;

        var withdraw = CommandLineRun.Of("consent", "withdraw", "de-wilg", "LL-5001", "--on", "2026-07-31", "--storage", storage);

        Assert.Equal(2, withdraw.ExitCode);
        Assert.Contains("2026-07-31 is before the consent of de-wilg LL-5001 starts (valid_from 2026-08-01); give --on 2026-08-01 or later. Nothing changed.", withdraw.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Fenna", withdraw.Error + withdraw.Console, StringComparison.Ordinal);
        Assert.DoesNotContain("Queued", withdraw.Console, StringComparison.Ordinal);
        Assert.Equal(before, CommandLineRun.Of("consent", "export", "--storage", storage).Out);
        Assert.Equal(0, CommandLineRun.Of("consent", "withdraw", "de-wilg", "LL-5001", "--on", "2026-08-01", "--storage", storage).ExitCode);
    }

    [Fact]
    public void A_dutch_excel_register_imports_and_the_summary_says_how_it_was_read()
    {
        var csv = Path.Combine(_folder, "leerlingen.csv");
        File.WriteAllBytes(csv, System.Text.CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetBytes(
            "klas;school;subject_id;kind;display_name;channels;valid_from;valid_until;withdrawn_on;evidence\r\n"
            + "8b;de-wilg;LL-5001;pupil;Zoë Çelik;website,newsletter;2026-08-01;2027-07-31;;form-1\r\n"));
        var storage = _azurite.ConnectionString;

        var import = CommandLineRun.Of("consent", "import", csv, "--storage", storage);

        Assert.Equal(0, import.ExitCode);
        Assert.Contains("leerlingen.csv: 1 record(s), read as Windows-1252, ';' between columns.", import.Console, StringComparison.Ordinal);
        Assert.Contains("column 'klas' is not used and was ignored", import.Console, StringComparison.Ordinal);
        Assert.Contains("1 added", import.Console, StringComparison.Ordinal);
        Assert.Contains("de-wilg,LL-5001,pupil,Zoë Çelik,newsletter;website,2026-08-01,2027-07-31,,form-1", CommandLineRun.Of("consent", "export", "--storage", storage).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_with_a_field_too_many_is_refused_with_the_counts_on_its_line()
    {
        var csv = Path.Combine(_folder, "bad.csv");
        File.WriteAllText(csv, "school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence\r\nde-wilg,LL-5001,pupil,\"Fenna\r\nSmit\",website,2026-08-01,2027-07-31,,form-1\r\n\r\nde-wilg,LL-5002,pupil,Smit, Bram,newsletter,2026-08-01,2027-07-31,,form-2\r\n");

        var import = CommandLineRun.Of("consent", "import", csv, "--storage", _azurite.ConnectionString);

        Assert.Equal(2, import.ExitCode);
        Assert.Contains("  line 5: 10 fields, the header has 9", import.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("valid_from", import.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("LL-5001", CommandLineRun.Of("consent", "export", "--storage", _azurite.ConnectionString).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_consent_export_writes_formula_leading_names_as_text_and_imports_over_itself_unchanged()
    {
        string[] values = ["=HYPERLINK(\"http://x\",\"klik\")", "+31 6 12345678", "-x", "@SUM(A1)", "'=x", "'t Hooft", "'s-Gravenhage"];
        var records = values.Select((v, i) => Records.Valid("de-wilg", $"LL-{5001 + i}", v) with { Evidence = values[^(i + 1)] }).ToList();
        var first = Path.Combine(_folder, "first.csv");
        using (var writer = new StreamWriter(first))
        {
            ConsentCsv.Write(writer, records);
        }

        var storage = _azurite.ConnectionString;
        Assert.Equal(0, CommandLineRun.Of("consent", "import", first, "--storage", storage).ExitCode);
        var exported = Path.Combine(_folder, "exported.csv");

        var export = CommandLineRun.Of("consent", "export", "--storage", storage, "--out", exported);
        var again = CommandLineRun.Of("consent", "import", exported, "--storage", storage);

        Assert.Equal(0, export.ExitCode);
        var text = File.ReadAllText(exported);
        Assert.Contains("de-wilg,LL-5001,pupil,\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\",", text, StringComparison.Ordinal);
        Assert.Contains("de-wilg,LL-5002,pupil,\"'+31 6 12345678\",", text, StringComparison.Ordinal);
        Assert.Contains("de-wilg,LL-5003,pupil,\"'-x\",", text, StringComparison.Ordinal);
        Assert.Contains("de-wilg,LL-5004,pupil,\"'@SUM(A1)\",", text, StringComparison.Ordinal);
        Assert.Contains("de-wilg,LL-5005,pupil,\"''=x\",", text, StringComparison.Ordinal);
        Assert.Contains("de-wilg,LL-5006,pupil,'t Hooft,", text, StringComparison.Ordinal);
        Assert.Contains("de-wilg,LL-5007,pupil,'s-Gravenhage,", text, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains($"0 added, 0 changed, {values.Length} unchanged", again.Console, StringComparison.Ordinal);
        var read = ConsentCsv.Read(new StringReader(text), new ConsentOptions()).Records;
        Assert.Equal(records.Count, read.Count);
        Assert.All(records, r => Assert.Contains(read, e => e.SameContentAs(r)));
    }

    [Fact]
    public void Rescreen_also_does_the_re_screens_an_import_owes_without_a_message()
    {
        var csv = Path.Combine(_folder, "consent.csv");
        File.WriteAllText(csv, "school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence\nde-wilg,LL-5001,pupil,Fenna Smit,website,2026-08-01,2027-07-31,,form-1\nde-wilg,LL-5002,pupil,Bram Smit,website,2026-08-01,2027-07-31,,form-2\n");
        var storage = _azurite.ConnectionString;
        Assert.Equal(0, CommandLineRun.Of("consent", "import", csv, "--storage", storage).ExitCode);
        new Azure.Storage.Queues.QueueClient(storage, "rescreen").ClearMessages(); // the import died before queuing them

        var rescreen = CommandLineRun.Of("rescreen", "--storage", storage);
        var again = CommandLineRun.Of("rescreen", "--storage", storage);

        Assert.Equal(0, rescreen.ExitCode);
        Assert.Contains("Processed 2 re-screen(s)", rescreen.Console, StringComparison.Ordinal);
        Assert.Contains("Processed 0 re-screen(s)", again.Console, StringComparison.Ordinal);
        var owed = new Azure.Data.Tables.TableClient(storage, "consent").Query<Azure.Data.Tables.TableEntity>(
            Azure.Data.Tables.TableClient.CreateQueryFilter($"RowKey ge {"~outbox|"} and RowKey lt {"~outbox}"}"));
        Assert.Empty(owed);
    }

    [Fact]
    public void Screen_with_storage_takes_no_folder()
    {
        var run = CommandLineRun.Of("screen", _folder, "--storage", _azurite.ConnectionString);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("with --storage", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_connection_string_that_is_not_one_is_a_usage_error()
    {
        var run = CommandLineRun.Of("items", "--storage", "not-a-connection-string");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--storage", run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);


    private static string? Outcome(List<JsonElement> decisions, string path) =>
        decisions.Single(d => d.GetProperty("path").GetString() == path).GetProperty("outcome").GetString();
}
