using System.Text.Json;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Commands;

public sealed class ScreenCommandTests : IDisposable
{
    private const string Csv = """
        school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence
        de-wilg,LL-1001,pupil,Emma de Vries,schoolguide;newsletter;website;socialmedia;parentportal,2026-08-01,2027-07-31,,form-1
        de-wilg,LL-1002,pupil,Noah Bakker,website;newsletter,2026-08-01,2027-07-31,,form-2
        de-wilg,MW-2001,staff,Sanne Jansen,website,2026-08-01,2027-07-31,2026-10-01,form-3
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mediagate-screen-");

    private string Input => Path.Combine(_dir.FullName, "uploads");

    private string Output => Path.Combine(_dir.FullName, "out");

    private string CsvPath => Path.Combine(_dir.FullName, "consent.csv");

    public void Dispose() => _dir.Delete(recursive: true);

    private void Upload(string fixture, string path)
    {
        var target = Path.Combine(Input, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(CommandLineRun.Data(fixture), target);
    }

    private void SetUp(string csv = Csv)
    {
        Upload("xmp-personinimage.jpg", "de-wilg/sportdag/a.jpg"); // Emma by name + LL-1002: website, newsletter
        Upload("xmp-mp-regions.jpg", "de-wilg/sportdag/b.jpg"); // Sanne (withdrawn) + an unnamed face
        Upload("untagged.jpg", "de-wilg/c.jpg");
        Upload("no-people.jpg", "het-anker/leeg.jpg"); // a school with no record in the register
        Upload("no-people.jpg", "leeg.jpg"); // in no school's folder
        Upload("mp4-uuid-xmp.mp4", "de-wilg/musical/film.mp4"); // LL-1001
        File.WriteAllText(CsvPath, csv);
    }

    [Fact]
    public void The_configured_subject_id_pattern_applies_to_the_register_of_an_offline_screen()
    {
        SetUp();

        var configured = CommandLineRun.WithSettings(
            new Dictionary<string, string?> { ["MediaGate:Consent:SubjectIdPattern"] = @"^LL-\d{4}$" },
            "screen", Input, "--consent", CsvPath, "--out", Output, "--now", "2026-11-27");
        var unconfigured = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output, "--now", "2026-11-27");

        // MW-2001 is a subject ID by default, not by the configured pattern: the register is refused, nothing is screened.
        Assert.Equal(2, configured.ExitCode);
        Assert.Contains("MW-2001", configured.Error, StringComparison.Ordinal);
        Assert.Contains(@"^LL-\d{4}$", configured.Error, StringComparison.Ordinal);
        Assert.Equal(0, unconfigured.ExitCode);
    }

    [Fact]
    public void An_invalid_configured_subject_id_pattern_is_a_usage_error_of_an_offline_screen()
    {
        SetUp();

        var run = CommandLineRun.WithSettings(
            new Dictionary<string, string?> { ["MediaGate:Consent:SubjectIdPattern"] = "(" },
            "screen", Input, "--consent", CsvPath, "--out", Output, "--now", "2026-11-27");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the configuration is not valid", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Output, "approved")));
    }

    [Fact]
    public void Folder_is_screened_into_approved_and_quarantine_with_sorted_decisions()
    {
        SetUp();
        var inputBefore = Snapshot(Input);

        var run = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output, "--now", "2026-11-27");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(inputBefore, Snapshot(Input)); // the input is never modified
        Assert.True(File.Exists(Path.Combine(Output, "approved", "de-wilg", "sportdag", "a.jpg")));
        Assert.True(File.Exists(Path.Combine(Output, "approved", "de-wilg", "musical", "film.mp4")));
        Assert.True(File.Exists(Path.Combine(Output, "quarantine", "het-anker", "leeg.jpg")));
        Assert.False(File.Exists(Path.Combine(Output, "approved", "het-anker", "leeg.jpg")));
        Assert.True(File.Exists(Path.Combine(Output, "quarantine", "leeg.jpg")));
        Assert.True(File.Exists(Path.Combine(Output, "quarantine", "de-wilg", "sportdag", "b.jpg")));
        Assert.True(File.Exists(Path.Combine(Output, "quarantine", "de-wilg", "c.jpg")));

        var lines = File.ReadAllLines(Path.Combine(Output, "decisions.jsonl"));
        var paths = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("path").GetString()).ToList();
        Assert.Equal(paths.Order(StringComparer.Ordinal), paths);
        Assert.Equal(6, lines.Length);
        Assert.Equal(["unknown-school"], Decision(lines, "het-anker/leeg.jpg").GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
        Assert.Equal(["invalid-path"], Decision(lines, "leeg.jpg").GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()));

        var a = Decision(lines, "de-wilg/sportdag/a.jpg");
        Assert.Equal("de-wilg", a.GetProperty("school").GetString());
        Assert.Equal("approved", a.GetProperty("outcome").GetString());
        Assert.Equal(["LL-1001", "LL-1002"], a.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["newsletter", "website"], a.GetProperty("channels").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("2026-11-27T11:00:00Z", a.GetProperty("decidedAt").GetString());

        var b = Decision(lines, "de-wilg/sportdag/b.jpg");
        Assert.Equal("quarantined", b.GetProperty("outcome").GetString());
        var reasons = b.GetProperty("reasons").EnumerateArray().Select(r => (r.GetProperty("code").GetString(), r.TryGetProperty("subject", out var s) ? s.GetString() : null)).ToList();
        Assert.Equal([("consent-withdrawn", "MW-2001"), ("unresolved-person", null)], reasons);
        // Which tag gave each reason, with the value as tagged in the file; an unnamed face has no value.
        var tags = b.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("tags").EnumerateArray().Single()).ToList();
        Assert.Equal(("XMP MP:RegionInfo (APP1)", "Sanne Jansen"), (tags[0].GetProperty("tag").GetString(), tags[0].GetProperty("value").GetString()));
        Assert.False(tags[1].TryGetProperty("value", out _));
        // Never a display name from the register: Noah is tagged by ID only.
        Assert.Contains("Noah", File.ReadAllText(CsvPath), StringComparison.Ordinal);
        Assert.DoesNotContain("Noah", string.Concat(lines), StringComparison.Ordinal);

        Assert.Contains("untagged", run.Console, StringComparison.Ordinal); // the summary table
    }

    [Fact]
    public void A_school_folder_one_level_too_deep_is_an_unknown_school_not_an_unknown_subject()
    {
        Upload("xmp-dc-subject.jpg", "2026/de-wilg/x.jpg"); // LL-1001, of de-wilg
        File.WriteAllText(CsvPath, Csv);

        var run = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output, "--now", "2026-11-27");

        Assert.Equal(0, run.ExitCode);
        var decision = Decision(File.ReadAllLines(Path.Combine(Output, "decisions.jsonl")), "2026/de-wilg/x.jpg");
        Assert.Equal("quarantined", decision.GetProperty("outcome").GetString());
        Assert.Equal(["unknown-school"], decision.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
        Assert.True(File.Exists(Path.Combine(Output, "quarantine", "2026", "de-wilg", "x.jpg")));
    }

    [Theory]
    [InlineData("en", "A name in the tags is not in the school's consent register", "a face without a name")]
    [InlineData("nl", "Een naam in de tags staat niet in het toestemmingsregister van de school", "een gezicht zonder naam")]
    public void The_summary_says_which_tag_to_fix_and_what_it_means_in_the_language_asked_for(string lang, string explanation, string unnamed)
    {
        // "Noah Baker" for "Noah Bakker" in Persons shown, a face without a name, and Noah's name typed as a keyword.
        const string Body = "<rdf:Description rdf:about=\"\" xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
            + "<Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Noah Baker</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>"
            + "<dc:subject><rdf:Bag><rdf:li>sportdag</rdf:li><rdf:li>Noah Bakker</rdf:li></rdf:Bag></dc:subject></rdf:Description>";
        Directory.CreateDirectory(Path.Combine(Input, "de-wilg"));
        File.WriteAllBytes(Path.Combine(Input, "de-wilg", "typo.jpg"), MediaBuilder.Jpeg(MediaBuilder.Xmp(Body)));
        Upload("xmp-mp-regions.jpg", "de-wilg/b.jpg");
        File.WriteAllText(CsvPath, Csv);

        var run = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output, "--now", "2026-11-27", "--lang", lang);

        Assert.Equal(0, run.ExitCode);
        var console = string.Join(' ', run.Console.Split((char[])['\n', ' ', '│'], StringSplitOptions.RemoveEmptyEntries)); // table cells wrap
        Assert.Contains("de-wilg/typo.jpg unresolved-person: “Noah Baker” in XMP Iptc4xmpExt:PersonInImage (APP1)", console, StringComparison.Ordinal);
        Assert.Contains(explanation, console, StringComparison.Ordinal);
        Assert.Contains($"unresolved-person: {unnamed} in XMP MP:RegionInfo (APP1)", console, StringComparison.Ordinal);
        Assert.Contains("name-in-keyword: “Noah Bakker” in XMP dc:subject (APP1)", console, StringComparison.Ordinal);
        Assert.Contains("Iptc4xmpExt:PersonInImage", console[console.IndexOf("name-in-keyword:", StringComparison.Ordinal)..], StringComparison.Ordinal);

        var typo = Decision(File.ReadAllLines(Path.Combine(Output, "decisions.jsonl")), "de-wilg/typo.jpg");
        var reason = Assert.Single(typo.GetProperty("reasons").EnumerateArray());
        Assert.Equal("unresolved-person", reason.GetProperty("code").GetString()); // codes stay codes whatever the language
        Assert.Equal("Noah Baker", reason.GetProperty("tags")[0].GetProperty("value").GetString());
        var hint = Assert.Single(typo.GetProperty("hints").EnumerateArray());
        Assert.Equal(("name-in-keyword", "Noah Bakker", "LL-1002"), (hint.GetProperty("code").GetString(), hint.GetProperty("value").GetString(), hint.GetProperty("subject").GetString()));
    }

    [Fact]
    public void Same_input_gives_the_same_decisions_file()
    {
        SetUp();
        var second = Path.Combine(_dir.FullName, "out2");

        CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output, "--now", "2026-11-27");
        CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", second, "--now", "2026-11-27");

        Assert.Equal(File.ReadAllText(Path.Combine(Output, "decisions.jsonl")), File.ReadAllText(Path.Combine(second, "decisions.jsonl")));
    }

    [Fact]
    public void Json_streams_every_decision_to_stdout()
    {
        SetUp();

        var run = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output, "--now", "2026-11-27", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            File.ReadAllLines(Path.Combine(Output, "decisions.jsonl")).Order(StringComparer.Ordinal),
            run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Bad_csv_prints_its_errors_and_writes_nothing()
    {
        SetUp(Csv + "\nde-wilg,LL-1003,pupil,Lotte,billboard,2026-08-01,2027-07-31,,form-4\n");

        var run = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("line 5, channels: unknown channel 'billboard'", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public void A_dutch_excel_register_screens_as_its_comma_form_and_the_summary_says_how_it_was_read()
    {
        // Excel "CSV (puntkomma-gescheiden)": ';' between columns, ',' between channels, Windows-1252, CRLF, a column of its own.
        var rows = (Csv + "\nde-wilg,LL-1009,pupil,Zoë Çelik,website,2026-08-01,2027-07-31,,form-9").Split('\n');
        var excel = string.Join("\r\n", rows.Select((row, i) => string.Join(';', row.Split(',').Select(f => f.Replace(';', ','))) + (i == 0 ? ";klas" : ";8b"))) + "\r\n";
        SetUp(string.Join('\n', rows));
        var comma = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output, "--now", "2026-11-27");
        File.WriteAllBytes(CsvPath, System.Text.CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetBytes(excel));
        var second = Path.Combine(_dir.FullName, "out2");
        var third = Path.Combine(_dir.FullName, "out3");

        var run = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", second, "--now", "2026-11-27");
        var json = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", third, "--now", "2026-11-27", "--json");

        Assert.Equal((0, 0, 0), (comma.ExitCode, run.ExitCode, json.ExitCode));
        Assert.Contains("consent.csv: 4 record(s), read as UTF-8, ',' between columns.", comma.Console, StringComparison.Ordinal);
        Assert.Contains("consent.csv: 4 record(s), read as Windows-1252, ';' between columns.", run.Console, StringComparison.Ordinal);
        Assert.Contains("column 'klas' is not used and was ignored", run.Console, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(Path.Combine(Output, "decisions.jsonl")), File.ReadAllText(Path.Combine(second, "decisions.jsonl")));
        Assert.Contains("column 'klas' is not used and was ignored", json.Error, StringComparison.Ordinal);
        Assert.All(json.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => JsonDocument.Parse(line).Dispose());
    }

    [Theory]
    [InlineData("de-wilg,LL-1003,pupil,Lotte,website,newsletter,2026-08-01,2027-07-31,,form-4", "  line 6: 10 fields, the header has 9")]
    [InlineData("de-wilg,LL-1003,pupil,\"Lotte,website,2026-08-01,2027-07-31,,form-4\nde-wilg,LL-1004,pupil,Sem,website,2026-08-01,2027-07-31,,form-5", "  line 6: a quote (\") opens a field on this line and is never closed")]
    public void A_malformed_row_is_reported_on_its_line_and_nothing_is_screened(string row, string error)
    {
        SetUp(Csv + "\n\n" + row + "\n");

        var run = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("(read as UTF-8, ',' between columns) has 1 error(s)", run.Error, StringComparison.Ordinal);
        Assert.Contains(error, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Lotte", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Output));
    }

    [Theory]
    [InlineData("--now", "27-11-2026")]
    [InlineData("--consent", "missing.csv")]
    public void Usage_errors_exit_with_2(string option, string value)
    {
        SetUp();
        var args = new List<string> { "screen", Input, "--consent", CsvPath, "--out", Output };
        var at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        Assert.Equal(2, CommandLineRun.Of([.. args]).ExitCode);
    }

    [Fact]
    public void Output_folder_that_is_not_empty_is_refused()
    {
        SetUp();
        Directory.CreateDirectory(Output);
        File.WriteAllText(Path.Combine(Output, "old.txt"), "earlier run");

        var run = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not empty", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_whose_metadata_still_names_someone_of_the_register_is_not_written_to_approved()
    {
        // A consented photo with a name in an Adobe APP14 segment, which neither the tag reader nor the stripper removes.
        var photo = File.ReadAllBytes(CommandLineRun.Data("xmp-dc-subject.jpg"));
        byte[] payload = [.. "Adobe"u8, 0, 100, 0, 0, 0, 0, 1, .. System.Text.Encoding.UTF8.GetBytes("Noah Bakker")];
        var target = Path.Combine(Input, "de-wilg", "emma.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllBytes(target, [0xFF, 0xD8, 0xFF, 0xEE, 0, (byte)(payload.Length + 2), .. payload, .. photo.AsSpan(2)]);
        File.WriteAllText(CsvPath, Csv);

        var run = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output, "--now", "2026-11-27");

        Assert.Equal(0, run.ExitCode);
        Assert.False(File.Exists(Path.Combine(Output, "approved", "de-wilg", "emma.jpg")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Output, "approved"), "*", SearchOption.AllDirectories));
        Assert.Equal(File.ReadAllBytes(target), File.ReadAllBytes(Path.Combine(Output, "quarantine", "de-wilg", "emma.jpg")));
        var decision = Decision(File.ReadAllLines(Path.Combine(Output, "decisions.jsonl")), "de-wilg/emma.jpg");
        Assert.Equal("quarantined", decision.GetProperty("outcome").GetString());
        Assert.Equal(["unreadable"], decision.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
    }

    private static JsonElement Decision(string[] lines, string path) =>
        lines.Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.GetProperty("path").GetString() == path);

    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
}
