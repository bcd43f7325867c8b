using System.Text;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Consent;

public sealed class ConsentCsvTests
{
    private const string Header = "school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence\n";
    private const string Good = "de-wilg,LL-1001,pupil,Emma de Vries,website;newsletter,2026-08-01,2027-07-31,,form-1\n";

    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

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
    public void Text_that_is_not_utf8_is_read_as_windows_1252_and_the_result_says_so()
    {
        var bytes = Windows1252.GetBytes(Header + "de-wilg,LL-1001,pupil,Zoë Çelik-Müller,website,2026-08-01,2027-07-31,,f\n");

        var result = ConsentCsv.Read(new MemoryStream(bytes), new ConsentOptions());

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal("Zoë Çelik-Müller", Assert.Single(result.Records).DisplayName);
        Assert.Equal(new ConsentCsvFormat("Windows-1252", ','), result.Format);
    }

    [Theory]
    [InlineData(false, "UTF-8")]
    [InlineData(true, "UTF-8 with BOM")]
    public void Utf8_is_read_as_utf8_and_the_result_says_whether_it_had_a_bom(bool bom, string encoding)
    {
        var result = Read(Header + "de-wilg,LL-1001,pupil,Zoë Çelik,website,2026-08-01,2027-07-31,,f\n", bom);

        Assert.Equal("Zoë Çelik", Assert.Single(result.Records).DisplayName);
        Assert.Equal(new ConsentCsvFormat(encoding, ','), result.Format);
        Assert.Equal($"{encoding}, ',' between columns", result.Format!.ToString());
    }

    [Fact]
    public void A_dutch_excel_file_with_semicolons_and_windows_1252_is_read_with_commas_between_channels()
    {
        // Excel "CSV (puntkomma-gescheiden)": ';' between columns, Windows-1252, CRLF, a comma in a name needs no quotes.
        var csv = "school;subject_id;kind;display_name;channels;valid_from;valid_until;withdrawn_on;evidence\r\n"
            + "de-wilg;LL-1001;pupil;Jansen, Zoë;website,newsletter;2026-08-01;2027-07-31;;form-1\r\n"
            + "de-wilg;LL-1002;pupil;Noah Bakker;\"schoolguide;website\";2026-08-01;2027-07-31;;form-2\r\n"
            + "de-wilg;LL-1003;pupil;Daan;;2026-08-01;2027-07-31;;\r\n"
            + ";;;;;;;;\r\n";

        var result = ConsentCsv.Read(new MemoryStream(Windows1252.GetBytes(csv)), new ConsentOptions());

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(new ConsentCsvFormat("Windows-1252", ';'), result.Format);
        Assert.Equal("Windows-1252, ';' between columns", result.Format!.ToString());
        Assert.Equal(3, result.Records.Count);
        Assert.Equal("Jansen, Zoë", result.Records[0].DisplayName);
        Assert.Equal(["newsletter", "website"], result.Records[0].Channels);
        Assert.Equal(["schoolguide", "website"], result.Records[1].Channels);
        Assert.Empty(result.Records[2].Channels);
        Assert.Empty(result.Notes);
    }

    [Fact]
    public void In_a_comma_file_channels_are_separated_by_semicolons_only()
    {
        var result = Read(Header + "de-wilg,LL-1001,pupil,Emma,\"website,newsletter\",2026-08-01,2027-07-31,,f\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((2, "channels"), (error.Line, error.Field));
        Assert.Contains("unknown channel 'website,newsletter'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("school\tsubject_id\tkind\tdisplay_name\tchannels\tvalid_from\tvalid_until\twithdrawn_on\tevidence\n")]
    [InlineData("leerling|naam|toestemming\n")]
    public void A_header_with_neither_separator_is_one_error_on_line_1(string header)
    {
        var result = Read(header + "de-wilg\tLL-1001\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((1, "header"), (error.Line, error.Field));
        Assert.Contains("neither ',' nor ';' between the column names", error.Message, StringComparison.Ordinal);
        Assert.Null(result.Format);
    }

    [Fact]
    public void The_separator_comes_from_the_header_only()
    {
        // A ',' header: the ';' in the data rows are channel separators, never column separators.
        var result = Read(Header + "de-wilg,LL-1001,pupil,Emma;Noah;Daan;Lotte;Sem;Fenna;Bram;Tess;Mila,website;newsletter,2026-08-01,2027-07-31,,f\n");

        Assert.Equal(',', result.Format!.Separator);
        Assert.Equal("Emma;Noah;Daan;Lotte;Sem;Fenna;Bram;Tess;Mila", Assert.Single(result.Records).DisplayName);
    }

    [Fact]
    public void A_utf8_byte_order_mark_before_bytes_that_are_not_utf8_is_an_error_on_their_line()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Header + Good), .. Windows1252.GetBytes("de-wilg,LL-1002,pupil,Zoë,website,2026-08-01,2027-07-31,,f\n")];

        var result = ConsentCsv.Read(new MemoryStream(bytes), new ConsentOptions());

        var error = Assert.Single(result.Errors);
        Assert.Equal((3, "encoding"), (error.Line, error.Field));
        Assert.Contains("byte order mark", error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Records);
    }

    [Fact]
    public void Utf16_is_refused_with_how_to_save_the_file()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Header + Good)).ToArray();

        var error = Assert.Single(ConsentCsv.Read(new MemoryStream(bytes), new ConsentOptions()).Errors);

        Assert.Equal((1, "encoding"), (error.Line, error.Field));
        Assert.Contains("save it as 'CSV UTF-8'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("de-wilg,LL-1003,pupil,Jansen, Sanne,website,newsletter,2026-08-01,2027-07-31,,f", "11 fields, the header has 9")]
    [InlineData("de-wilg,LL-1003,pupil,Sanne,website,2026-08-01,2027-07-31", "7 fields, the header has 9")]
    public void A_row_with_too_many_or_too_few_fields_says_so_with_the_counts_on_its_line(string row, string message)
    {
        var result = Read(Header + Good + "de-wilg,LL-1002,pupil,Noah,website,2026-08-01,2027-07-31,,f\n" + row + "\n" + "de-wilg,LL-1004,pupil,Lotte,website,2026-08-01,2027-07-31,,f\n");

        Assert.Empty(result.Records);
        var error = Assert.Single(result.Errors);
        Assert.Equal(4, error.Line);
        Assert.Null(error.Field);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"line 4: {message}", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void An_unterminated_quote_is_reported_on_the_line_where_it_opened(string newline)
    {
        var csv = string.Join(newline, [
            Header.TrimEnd('\n'),                                                              // 1
            Good.TrimEnd('\n'),                                                                // 2
            "de-wilg,LL-1002,pupil,\"Noah",                                                    // 3: a name over two lines
            "Bakker\",website,2026-08-01,2027-07-31,,f",                                       // 4
            string.Empty,                                                                      // 5
            "de-wilg,LL-1003,pupil,\"Lotte de Boer,website,2026-08-01,2027-07-31,,f",          // 6: the quote is never closed
            "de-wilg,LL-1004,pupil,Sem,website,2026-08-01,2027-07-31,,f",                      // 7
            "de-wilg,LL-1005,pupil,Tess,website,2026-08-01,2027-07-31,,f",                     // 8
            string.Empty]);

        var result = Read(csv);

        Assert.Empty(result.Records);
        var error = Assert.Single(result.Errors);
        Assert.Equal(6, error.Line);
        Assert.Null(error.Field);
        Assert.Contains("never closed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Lotte", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unterminated_quote_on_the_last_line_without_a_line_end_is_on_that_line()
    {
        var error = Assert.Single(Read(Header + Good + "de-wilg,LL-1002,pupil,\"Noah,website,2026-08-01,2027-07-31,,f").Errors);

        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void A_quote_inside_a_field_that_is_not_quoted_is_an_error_on_its_line()
    {
        var result = Read(Header + Good + "\r\n" + "de-wilg,LL-1002,pupil,Noah \"de kleine\" Bakker,website,2026-08-01,2027-07-31,,f\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(4, error.Line);
        Assert.Contains("not quoted as a whole", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Noah", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_numbers_count_multi_line_fields_blank_lines_and_crlf()
    {
        var csv = Header.Replace("\n", "\r\n", StringComparison.Ordinal)
            + "de-wilg,LL-1001,pupil,\"Emma\r\nde Vries\",website,2026-08-01,2027-07-31,,f\r\n"  // 2-3
            + "\r\n"                                                                             // 4
            + "   \r\n"                                                                          // 5
            + "de-wilg,LL-1002,pupil,\"Noah\nBakker\",website,2026-08-01,2027-07-31,,f\r\n"      // 6-7
            + ",,,,,,,,\r\n"                                                                     // 8
            + "de-wilg,LL-1003,pupil,Lotte,website,2026-08-01,2027-07-31,,f\r\n";                // 9
        var good = Read(csv);
        var bad = Read(csv + "de-wilg,LL-1004,pupil,Sem,website,2026-08-01,2027-07-31,morgen,f\r\n" + "\r\n" + "de-wilg,LL-1005,pupil,\"Tess\r\n\r\nde Jong\",website,nodate,2027-07-31,,f\r\n");

        Assert.True(good.IsValid, string.Join("; ", good.Errors));
        Assert.Equal([2, 6, 9], good.Records.Select(r => r.Line));
        Assert.Equal("Emma\r\nde Vries", good.Records[0].DisplayName);
        Assert.Equal([(10, "withdrawn_on"), (12, "valid_from")], bad.Errors.Select(e => (e.Line, e.Field!)));
    }

    [Fact]
    public void Columns_outside_the_register_are_ignored_with_a_note_each()
    {
        var csv = "klas,school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence,,Opmerking\n"
            + "8b,de-wilg,LL-1001,pupil,Emma,website,2026-08-01,2027-07-31,,f,,allergie\n";

        var result = Read(csv);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var emma = Assert.Single(result.Records);
        Assert.Equal(("de-wilg", "LL-1001", "Emma", "f"), (emma.School, emma.SubjectId, emma.DisplayName, emma.Evidence));
        Assert.Equal(["column 'klas' is not used and was ignored", "column 11 has no name and was ignored", "column 'opmerking' is not used and was ignored"], result.Notes);
    }

    [Fact]
    public void A_column_named_twice_is_an_error_on_the_header_line()
    {
        var result = Read("school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence,Channels\n" + "de-wilg,LL-1001,pupil,Emma,website,2026-08-01,2027-07-31,,f,\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((1, "header"), (error.Line, error.Field));
        Assert.Equal("column 'channels' appears more than once (columns 5, 10)", error.Message);
        Assert.Empty(result.Records);
    }

    [Fact]
    public void A_missing_column_is_still_an_error_in_a_semicolon_file()
    {
        var result = Read("school;subject_id;kind;display_name;channels;valid_from;valid_until;withdrawn_on;klas\nde-wilg;LL-1001;pupil;Emma;website;2026-08-01;2027-07-31;;8b\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((1, "header"), (error.Line, error.Field));
        Assert.Contains("missing: evidence", error.Message, StringComparison.Ordinal);
        Assert.Equal(';', result.Format!.Separator);
    }

    [Fact]
    public void Text_given_as_text_has_no_encoding_in_its_format()
    {
        var result = ConsentCsv.Read(new StringReader("\uFEFF" + Header + Good), new ConsentOptions());

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(new ConsentCsvFormat(null, ','), result.Format);
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
