using System.Text.Json;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Commands;

public sealed class InspectCommandTests
{
    [Fact]
    public void Json_prints_one_object_per_file_with_persons_keywords_and_problems()
    {
        var run = CommandLineRun.Of("inspect", "--json", CommandLineRun.Data("combined.jpg"), CommandLineRun.Data("xmp-mwg-regions.jpg"));

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var combined = JsonDocument.Parse(lines[0]);
        var root = combined.RootElement;
        Assert.EndsWith("combined.jpg", root.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.Equal("image", root.GetProperty("kind").GetString());
        Assert.Contains(root.GetProperty("persons").EnumerateArray(), p => p.GetProperty("value").GetString() == "Emma de Vries"
            && p.GetProperty("source").GetString()!.Contains("PersonInImage", StringComparison.Ordinal));
        Assert.Contains(root.GetProperty("keywords").EnumerateArray(), k => k.GetProperty("value").GetString() == "MW-2001"
            && k.GetProperty("source").GetString()!.Contains("IPTC", StringComparison.Ordinal));
        Assert.Equal(0, root.GetProperty("problems").GetArrayLength());

        using var regions = JsonDocument.Parse(lines[1]);
        var unnamed = regions.RootElement.GetProperty("persons")[1];
        Assert.Equal(JsonValueKind.Null, unnamed.GetProperty("value").ValueKind);
        Assert.Equal(0.7, unnamed.GetProperty("region").GetProperty("left").GetDouble(), 6);
    }

    [Fact]
    public void Folders_are_searched_recursively_and_problems_do_not_fail_the_run()
    {
        var dir = Directory.CreateTempSubdirectory("mediagate-inspect-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "groep8"));
            File.Copy(CommandLineRun.Data("xmp-dc-subject.jpg"), Path.Combine(dir.FullName, "groep8", "a.jpg"));
            File.WriteAllText(Path.Combine(dir.FullName, "notes.txt"), "not media");

            var run = CommandLineRun.Of("inspect", "--json", dir.FullName);

            Assert.Equal(0, run.ExitCode);
            var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.Contains(lines, l => l.Contains("\"unsupported-type\"", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("groep8/a.jpg", StringComparison.Ordinal) && l.Contains("LL-1001", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Table_shows_each_tag_and_where_it_was_found()
    {
        var run = CommandLineRun.Of("inspect", CommandLineRun.Data("xmp-mp-regions.jpg"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Sanne Jansen", run.Console, StringComparison.Ordinal);
        Assert.Contains("MP:RegionInfo", run.Console, StringComparison.Ordinal);
        Assert.Contains("(unnamed face)", run.Console, StringComparison.Ordinal);
        Assert.Contains("x 0.1 y 0.2 w 0.3 h 0.4", run.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_path_argument_is_a_usage_error()
    {
        var run = CommandLineRun.Of("inspect");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("mediagate inspect --help", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Path_that_does_not_exist_is_a_usage_error()
    {
        var run = CommandLineRun.Of("inspect", "/no/such/folder");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no such file or folder: /no/such/folder", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_command_is_a_usage_error()
    {
        Assert.Equal(2, CommandLineRun.Of("publish-everything").ExitCode);
    }

    private const string Register = """
        school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence
        de-wilg,LL-1001,pupil,Emma de Vries,schoolguide;newsletter;website,2026-08-01,2027-07-31,,form-1
        de-wilg,LL-1002,pupil,Noah Bakker,website;newsletter,2026-08-01,2027-07-31,,form-2
        de-wilg,MW-2001,staff,Sanne Jansen,website,2026-08-01,2027-07-31,2026-10-01,form-3
        het-anker,LL-2001,pupil,Fleur Mulder,website,2025-08-01,2026-07-31,,form-4
        """;

    [Fact]
    public void Without_a_register_nothing_is_resolved()
    {
        var run = CommandLineRun.Of("inspect", "--json", CommandLineRun.Data("xmp-mp-regions.jpg"));

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("resolution", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("decision", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("school", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_register_each_tag_shows_its_subject_and_that_subjects_consent_as_of_the_day()
    {
        using var folder = new Folder(Register);
        var file = folder.Add("de-wilg/sportdag/b.jpg", File.ReadAllBytes(CommandLineRun.Data("xmp-mp-regions.jpg")));
        var ids = folder.Add("de-wilg/sportdag/a.jpg", File.ReadAllBytes(CommandLineRun.Data("xmp-personinimage.jpg")));

        var run = CommandLineRun.Of("inspect", "--json", file, ids, "--consent", folder.Csv, "--now", "2026-11-27");

        Assert.Equal(0, run.ExitCode);
        var lines = StorageAccount.Lines(run.Out);
        var b = lines[0];
        Assert.Equal("de-wilg", b.GetProperty("school").GetString());
        var sanne = b.GetProperty("persons")[0].GetProperty("resolution");
        Assert.Equal(["MW-2001"], sanne.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()));
        var consent = sanne.GetProperty("consent")[0];
        Assert.Equal(("withdrawn", "2026-10-01"), (consent.GetProperty("state").GetString(), consent.GetProperty("withdrawnOn").GetString()));
        Assert.Equal(0, consent.GetProperty("channels").GetArrayLength());
        Assert.Equal(["unresolved-person"], b.GetProperty("persons")[1].GetProperty("resolution").GetProperty("reasons").EnumerateArray().Select(s => s.GetString()));
        var decision = b.GetProperty("decision");
        Assert.Equal(("quarantined", "2026-11-27"), (decision.GetProperty("outcome").GetString(), decision.GetProperty("asOf").GetString()));
        Assert.Equal(["consent-withdrawn", "unresolved-person"], decision.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
        Assert.False(decision.TryGetProperty("facesPending", out _)); // quarantined by its tags: no face would change that

        var a = lines[1];
        var emma = a.GetProperty("persons")[0].GetProperty("resolution").GetProperty("consent")[0];
        Assert.Equal(("LL-1001", "valid"), (emma.GetProperty("subject").GetString(), emma.GetProperty("state").GetString()));
        Assert.Equal(["newsletter", "schoolguide", "website"], emma.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        var noah = a.GetProperty("persons")[1].GetProperty("resolution");
        Assert.Equal(["LL-1002"], noah.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("approved", a.GetProperty("decision").GetProperty("outcome").GetString());
        Assert.True(a.GetProperty("decision").GetProperty("facesPending").GetBoolean()); // approved by its tags, published only after the face check
        Assert.DoesNotContain("Noah", run.Out, StringComparison.Ordinal); // tagged by ID: the register's name is never shown
    }

    [Fact]
    public void The_table_says_how_each_tag_resolves_and_what_to_fix_in_the_language_asked_for()
    {
        const string Body = "<rdf:Description rdf:about=\"\" xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
            + "<Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Noah Baker</rdf:li><rdf:li>MW-2001</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>"
            + "<dc:subject><rdf:Bag><rdf:li>sportdag</rdf:li><rdf:li>Noah Bakker</rdf:li></rdf:Bag></dc:subject></rdf:Description>";
        using var folder = new Folder(Register);
        var file = folder.Add("de-wilg/typo.jpg", MediaBuilder.Jpeg(MediaBuilder.Xmp(Body)));

        var run = CommandLineRun.Of("inspect", file, "--consent", folder.Csv, "--now", "2026-11-27", "--lang", "nl");

        Assert.Equal(0, run.ExitCode);
        var console = string.Join(' ', run.Console.Split((char[])['\n', ' ', '│'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Noah Baker XMP Iptc4xmpExt:PersonInImage (APP1) unresolved-person: niet in het register", console, StringComparison.Ordinal);
        Assert.Contains("MW-2001 XMP Iptc4xmpExt:PersonInImage (APP1) MW-2001 ingetrokken op 2026-10-01", console, StringComparison.Ordinal);
        Assert.Contains("sportdag XMP dc:subject (APP1) genegeerd (geen ID)", console, StringComparison.Ordinal);
        Assert.Contains("Noah Bakker XMP dc:subject (APP1) genegeerd (geen ID); name-in-keyword", console, StringComparison.Ordinal);
        Assert.Contains("Toestemming op 2026-11-27, de-wilg: quarantined", console, StringComparison.Ordinal);
        Assert.Contains("unresolved-person: “Noah Baker” in XMP Iptc4xmpExt:PersonInImage (APP1)", console, StringComparison.Ordinal);
        Assert.Contains("name-in-keyword: “Noah Bakker” in XMP dc:subject (APP1) (geregistreerd als LL-1002)", console, StringComparison.Ordinal);
        Assert.Contains("Controleer de spelling", console, StringComparison.Ordinal);
    }

    [Fact]
    public void The_school_is_the_folder_of_the_register_in_the_path_or_the_one_given()
    {
        using var folder = new Folder(Register);
        var photo = File.ReadAllBytes(CommandLineRun.Data("xmp-dc-subject.jpg")); // LL-1001
        var anker = folder.Add("uploads/het-anker/uitje/a.jpg", photo);
        var nowhere = folder.Add("uploads/losse-fotos/b.jpg", photo);

        var found = StorageAccount.Lines(CommandLineRun.Of("inspect", "--json", anker, nowhere, "--consent", folder.Csv, "--now", "2026-11-27").Out);
        var given = StorageAccount.Lines(CommandLineRun.Of("inspect", "--json", nowhere, "--consent", folder.Csv, "--school", "De-Wilg", "--now", "2026-11-27").Out);
        var table = CommandLineRun.Of("inspect", nowhere, "--consent", folder.Csv);

        Assert.Equal("het-anker", found[0].GetProperty("school").GetString());
        Assert.Equal(["unknown-subject"], found[0].GetProperty("decision").GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
        Assert.False(found[1].TryGetProperty("school", out _));
        Assert.False(found[1].TryGetProperty("decision", out _));
        Assert.Equal("de-wilg", given[0].GetProperty("school").GetString());
        Assert.Equal("approved", given[0].GetProperty("decision").GetProperty("outcome").GetString());
        Assert.Contains("--school", table.Console, StringComparison.Ordinal);
        var approved = CommandLineRun.Of("inspect", nowhere, "--consent", folder.Csv, "--school", "de-wilg", "--now", "2026-11-27", "--lang", "en");
        Assert.Contains("MediaGate looks for faces no tag accounts for", string.Join(' ', approved.Console.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--school", "de-wilg")]
    [InlineData("--now", "2026-11-27")]
    public void School_and_now_need_a_register(string option, string value)
    {
        var run = CommandLineRun.Of("inspect", CommandLineRun.Data("xmp-dc-subject.jpg"), option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("need a register", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_register_that_does_not_exist_or_an_unknown_language_is_a_usage_error()
    {
        Assert.Equal(2, CommandLineRun.Of("inspect", CommandLineRun.Data("xmp-dc-subject.jpg"), "--consent", "missing.csv").ExitCode);
        Assert.Equal(2, CommandLineRun.Of("inspect", CommandLineRun.Data("xmp-dc-subject.jpg"), "--lang", "de").ExitCode);
    }

    /// <summary>A temporary folder with a register and files in school folders.</summary>
    private sealed class Folder : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mediagate-inspect-");

        public Folder(string csv)
        {
            Csv = Path.Combine(_dir.FullName, "consent.csv");
            File.WriteAllText(Csv, csv);
        }

        public string Csv { get; }

        public string Add(string path, byte[] content)
        {
            var file = Path.Combine(_dir.FullName, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, content);
            return file;
        }

        public void Dispose() => _dir.Delete(recursive: true);
    }
}
