using System.Text;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Consent;

public sealed class ConsentCsvTests
{
    private const string Header = "school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence\n";
    private const string Good = "de-wilg,LL-1001,pupil,Emma de Vries,website;newsletter,2026-08-01,2027-07-31,,form-1\n";

    private static ConsentCsvResult Read(string text, bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return ConsentCsv.Read(new MemoryStream(bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes), new ConsentOptions());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Valid_csv_is_read_with_or_without_bom(bool bom)
    {
        var result = Read(Header + Good + "de-wilg,mw-2001,staff,\"Jansen, Sanne\",,2026-08-01,2027-07-31,2026-09-01,\n", bom);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(2, result.Records.Count);
        var emma = result.Records[0];
        Assert.Equal(("de-wilg", "LL-1001", SubjectKind.Pupil, "Emma de Vries"), (emma.School, emma.SubjectId, emma.Kind, emma.DisplayName));
        Assert.Equal(["newsletter", "website"], emma.Channels);
        Assert.Equal(new DateOnly(2027, 7, 31), emma.ValidUntil);
        var sanne = result.Records[1];
        Assert.Equal("MW-2001", sanne.SubjectId);
        Assert.Equal("Jansen, Sanne", sanne.DisplayName);
        Assert.Empty(sanne.Channels);
        Assert.Equal(new DateOnly(2026, 9, 1), sanne.WithdrawnOn);
    }

    [Theory]
    [InlineData("de-wilg,LL-1002,pupil,Noah,website;billboard,2026-08-01,2027-07-31,,f", "channels", "unknown channel 'billboard'")]
    [InlineData("de-wilg,LL-1002,pupil,Noah,website,2026-13-01,2027-07-31,,f", "valid_from", "is not a date")]
    [InlineData("de-wilg,LL-1002,pupil,Noah,website,2026-08-01,2027-07-31,gisteren,f", "withdrawn_on", "is not a date")]
    [InlineData("de-wilg,LL-1001,pupil,Emma again,website,2026-08-01,2027-07-31,,f", "subject_id", "also on line 2")]
    [InlineData("de-wilg,ll-1001 ,pupil,Emma again,website,2026-08-01,2027-07-31,,f", "subject_id", "also on line 2")]
    [InlineData("de-wilg,LL-1002,pupil,Noah,website,2026-08-01,2027-07-31,,", "evidence", "needs evidence")]
    [InlineData("de-wilg,PUPIL-7,pupil,Noah,website,2026-08-01,2027-07-31,,f", "subject_id", "does not match")]
    [InlineData("de-wilg,LL-1002,pupil,Noah,website,2027-08-01,2027-07-31,,f", "valid_until", "before valid_from")]
    [InlineData("de-wilg,LL-1002,parent,Noah,website,2026-08-01,2027-07-31,,f", "kind", "not 'pupil' or 'staff'")]
    [InlineData("De Wilg!,LL-1002,pupil,Noah,website,2026-08-01,2027-07-31,,f", "school", "not a school code")]
    public void Each_error_names_its_line_and_field_and_nothing_is_imported(string row, string field, string message)
    {
        var result = Read(Header + Good + row + "\n");

        Assert.False(result.IsValid);
        Assert.Empty(result.Records);
        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Line);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_of_every_line_is_reported()
    {
        var result = Read(Header + "x!,bad,pupil,,tv,nodate,2027-07-31,,\n" + Good + "de-wilg,LL-1003,pupil,Lotte,website,2026-08-01,2025-01-01,,f\n");

        Assert.Contains(result.Errors, e => e is { Line: 2, Field: "school" });
        Assert.Contains(result.Errors, e => e is { Line: 2, Field: "subject_id" });
        Assert.Contains(result.Errors, e => e is { Line: 2, Field: "display_name" });
        Assert.Contains(result.Errors, e => e is { Line: 2, Field: "channels" });
        Assert.Contains(result.Errors, e => e is { Line: 2, Field: "valid_from" });
        Assert.Contains(result.Errors, e => e is { Line: 4, Field: "valid_until" });
        Assert.DoesNotContain(result.Errors, e => e.Line == 3);
    }

    [Fact]
    public void A_school_register_refuses_rows_of_another_school_on_their_line_with_every_other_error()
    {
        var csv = Header + Good + "het-anker,LL-2001,pupil,Daan,website,2026-08-01,2027-07-31,,f\n" + "de-wilg,LL-1003,pupil,Lotte,website,nodate,2027-07-31,,f\n";

        var result = ConsentCsv.Read(new StringReader(csv), new ConsentOptions(), school: "de-wilg");

        Assert.Empty(result.Records);
        Assert.Equal(2, result.Errors.Count);
        var school = Assert.Single(result.Errors, e => e.Field == "school");
        Assert.Equal(3, school.Line);
        Assert.Contains("'het-anker' is not the school of this import ('de-wilg')", school.Message, StringComparison.Ordinal);
        Assert.Contains(result.Errors, e => e is { Line: 4, Field: "valid_from" });
        Assert.True(ConsentCsv.Read(new StringReader(Header + Good), new ConsentOptions(), school: "de-wilg").IsValid);
    }

    [Fact]
    public void Wrong_header_is_one_clear_error()
    {
        var result = Read("school,subject,kind\nde-wilg,LL-1001,pupil\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("header", error.Field);
        Assert.Contains("missing: subject_id", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown: subject", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_that_is_not_utf8_is_refused()
    {
        var latin1 = Encoding.Latin1.GetBytes(Header + "de-wilg,LL-1001,pupil,Zoë,website,2026-08-01,2027-07-31,,f\n");

        var result = ConsentCsv.Read(new MemoryStream(latin1), new ConsentOptions());

        Assert.Equal("encoding", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void Export_reads_back_to_the_same_records()
    {
        var original = Read(Header + Good + "het-anker,MW-2001,staff,\"Jansen, Sanne\",,2026-08-01,2027-07-31,2026-09-01,\n").Records;
        var text = new StringWriter();

        ConsentCsv.Write(text, original);
        var again = Read(text.ToString()).Records;

        Assert.Equal(original.Count, again.Count);
        Assert.All(original.Zip(again), pair => Assert.True(pair.First.SameContentAs(pair.Second)));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"klik\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\"")]
    [InlineData("+31 6 12345678", "\"'+31 6 12345678\"")]
    [InlineData("-x", "\"'-x\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("'=already text", "\"''=already text\"")]
    [InlineData("'t Hooft", "'t Hooft")]
    [InlineData("'s-Gravenhage", "'s-Gravenhage")]
    public void A_formula_leading_name_or_evidence_is_exported_as_text_and_imported_back_exactly(string value, string cell)
    {
        var record = Records.Valid("de-wilg", "LL-1001", value) with { Evidence = value };

        var text = Written([record]);
        var again = Read(text);

        Assert.Equal(
            $"de-wilg,LL-1001,pupil,{cell},newsletter;parentportal;schoolguide;socialmedia;website,2026-08-01,2027-07-31,,{cell}",
            text.Split("\r\n")[1]);
        var read = Assert.Single(again.Records);
        Assert.Equal((value, value), (read.DisplayName, read.Evidence));
        Assert.True(read.SameContentAs(record));
    }

    [Fact]
    public void A_tab_led_value_is_exported_as_text_and_imported_trimmed_as_every_imported_field_is()
    {
        // The register holds no such value (every way in trims a field); a writer is given one all the same.
        var record = Records.Valid("de-wilg", "LL-1001", "\t=1+1") with { Evidence = "\r@x" };

        var text = Written([record]);

        var row = text.Split("\r\n")[1];
        Assert.StartsWith("de-wilg,LL-1001,pupil,\"'\t=1+1\",", row, StringComparison.Ordinal);
        Assert.EndsWith(",\"'\r@x\"", row, StringComparison.Ordinal);
        var read = Assert.Single(Read(text).Records);
        Assert.Equal(("=1+1", "@x"), (read.DisplayName, read.Evidence));
    }

    [Fact]
    public async Task An_export_imported_over_the_register_it_came_from_gives_every_record_back_unchanged()
    {
        string[] values = ["=HYPERLINK(\"http://x\",\"klik\")", "+31 6 12345678", "-x", "@SUM(A1)", "'=x", "''-x", "'t Hooft", "'s-Gravenhage", "Jansen, Sanne", "Emma \"Em\" de Vries"];
        var records = values.Select((v, i) => Records.Valid("de-wilg", $"LL-{1001 + i}", v) with { Evidence = values[^(i + 1)] }).ToList();
        var register = new InMemoryConsentRegister();
        await register.ImportAsync(records, "test", default);

        var exported = Written(await register.ExportAsync(default));
        var again = Read(exported);
        var summary = await register.ImportAsync(again.Records, "test", default);

        Assert.True(again.IsValid, string.Join("; ", again.Errors));
        Assert.Equal(records.Count, again.Records.Count);
        Assert.All(records, r => Assert.Contains(again.Records, a => a.SameContentAs(r)));
        Assert.Equal((0, 0, records.Count), (summary.Added, summary.Changed, summary.Unchanged));
        Assert.Empty(summary.ChangedSubjects);
    }

    [Fact]
    public void Every_name_of_up_to_4_characters_reads_back_exactly_from_an_export()
    {
        // Every trimmed, non-empty string over formula characters, the escape, quote, comma and line ends: the
        // values a register can hold (an import and the API trim each field).
        const string alphabet = "'=+-@\t\ra\", \n";
        var names = new List<string> { string.Empty };
        for (var length = 1; length <= 4; length++)
        {
            names.AddRange([.. names.Where(n => n.Length == length - 1).SelectMany(n => alphabet.Select(c => n + c))]);
        }

        names = [.. names.Where(n => n.Length > 0 && n == n.Trim())];
        var records = names.Select((n, i) => Records.Valid("de-wilg", $"LL-{100_000 + i}", n) with { Evidence = new string([.. n.Reverse()]) }).ToList();

        var again = Read(Written(records));

        Assert.True(again.IsValid, string.Join("; ", again.Errors.Take(5)));
        Assert.Equal(records.Count, again.Records.Count);
        Assert.All(records.Zip(again.Records), pair => Assert.True(pair.First.SameContentAs(pair.Second), $"{pair.First.DisplayName} came back as {pair.Second.DisplayName}"));
    }

    private static string Written(IEnumerable<ConsentRecord> records)
    {
        var text = new StringWriter();
        ConsentCsv.Write(text, records);
        return text.ToString();
    }
}
