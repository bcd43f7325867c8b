using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Kalisto.MediaGate.Csv;

namespace Kalisto.MediaGate.Tests.Csv;

public sealed class CsvCellsTests
{
    /// <summary>Every formula character, the escape, a letter, and what CSV quoting reacts to.</summary>
    private const string Alphabet = "'=+-@\t\ra\", \n";

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"klik\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\"")]
    [InlineData("+31 6 12345678", "\"'+31 6 12345678\"")]
    [InlineData("-x", "\"'-x\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\tx", "\"'\tx\"")]
    [InlineData("\r=1+1", "\"'\r=1+1\"")]
    [InlineData("=", "\"'=\"")]
    [InlineData("'=x", "\"''=x\"")]
    [InlineData("''@x", "\"'''@x\"")]
    [InlineData("'-x, y", "\"''-x, y\"")]
    [InlineData("'t Hooft", "'t Hooft")]
    [InlineData("'s-Gravenhage", "'s-Gravenhage")]
    [InlineData("'", "'")]
    [InlineData("LL-1001", "LL-1001")]
    [InlineData("de-wilg/=HYPERLINK(1).jpg", "de-wilg/=HYPERLINK(1).jpg")]
    [InlineData("Jansen, Sanne", "\"Jansen, Sanne\"")]
    [InlineData(" =x", "\" =x\"")]
    [InlineData("", "")]
    public void A_value_is_written_as_text_when_it_would_be_a_formula_and_as_it_is_otherwise(string value, string cell)
    {
        Assert.Equal(cell, Written(value));
        Assert.Equal(value, CsvCells.Restore(ReadBack(Written(value))));
    }

    [Theory]
    [InlineData("=1+1")]
    [InlineData("-x")]
    [InlineData("\tx")]
    [InlineData("'t Hooft")]
    [InlineData("x")]
    public void A_cell_not_made_by_an_export_is_read_as_it_is(string cell)
    {
        Assert.Equal(cell, CsvCells.Restore(cell));
    }

    [Fact]
    public void Every_string_up_to_length_4_is_written_without_a_formula_lead_and_read_back_exactly()
    {
        var values = Strings(Alphabet, 4);
        Assert.Equal(22_621, values.Count); // 1 + 12 + 12² + 12³ + 12⁴

        var cells = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var neutralised = CsvCells.Neutralise(value);
            var formulaLeading = CsvCells.IsFormulaLeading(value);
            Assert.True(cells.Add(neutralised), $"two values give the cell {Shown(neutralised)}");
            Assert.Equal(formulaLeading ? "'" + value : value, neutralised);
            Assert.False(neutralised.Length > 0 && CsvCells.FormulaCharacters.Contains(neutralised[0]), Shown(value));
            Assert.Equal(value, CsvCells.Restore(neutralised));

            var raw = Written(value);
            var read = ReadBack(raw);
            Assert.Equal(neutralised, read);
            if (formulaLeading)
            {
                Assert.StartsWith("\"'", raw, StringComparison.Ordinal); // escaped and quoted, as CsvHelper quotes what it escapes
            }
            else
            {
                Assert.Equal(Plain(value), raw); // any other value is written as a plain CsvHelper writer writes it
            }

            Assert.False(raw.Length > 0 && CsvCells.FormulaCharacters.Contains(raw[0]), Shown(raw));
        }
    }

    [Fact]
    public void A_whole_file_of_such_strings_reads_back_row_by_row()
    {
        var values = Strings(Alphabet, 3);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvCells.CreateWriter(text))
        {
            for (var i = 0; i < values.Count; i++)
            {
                csv.WriteField(i);
                csv.WriteField(values[i]);
                csv.WriteField(values[^(i + 1)]);
                csv.NextRecord();
            }
        }

        using var reader = new CsvReader(new StringReader(text.ToString()), new CsvConfiguration(CultureInfo.InvariantCulture) { HasHeaderRecord = false });
        var rows = 0;
        while (reader.Read())
        {
            var i = reader.GetField<int>(0);
            Assert.Equal(rows, i);
            Assert.Equal(values[i], CsvCells.Restore(reader.GetField(1)!));
            Assert.Equal(values[^(i + 1)], CsvCells.Restore(reader.GetField(2)!));
            rows++;
        }

        Assert.Equal(values.Count, rows);
    }

    /// <summary>The field as the product's writer puts it in a file, without the line end.</summary>
    private static string Written(string value)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvCells.CreateWriter(text))
        {
            csv.WriteField(value);
        }

        return text.ToString();
    }

    private static string Plain(string value)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            csv.WriteField(value);
        }

        return text.ToString();
    }

    /// <summary>The one cell of a one-field CSV, unquoted as CsvHelper reads it.</summary>
    private static string ReadBack(string raw)
    {
        if (raw.Length == 0)
        {
            return raw;
        }

        using var reader = new CsvReader(new StringReader(raw), new CsvConfiguration(CultureInfo.InvariantCulture) { HasHeaderRecord = false });
        Assert.True(reader.Read());
        Assert.Equal(1, reader.Parser.Count);
        return reader.GetField(0)!;
    }

    private static List<string> Strings(string alphabet, int maxLength)
    {
        var all = new List<string> { string.Empty };
        var previous = new List<string> { string.Empty };
        for (var length = 1; length <= maxLength; length++)
        {
            previous = [.. previous.SelectMany(p => alphabet.Select(c => p + c))];
            all.AddRange(previous);
        }

        return all;
    }

    private static string Shown(string value) => string.Concat(value.Select(c => c < ' ' ? $"\\x{(int)c:x2}" : c.ToString()));
}
