using System.Text;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Publishing;

public sealed class IdentifierSearchTests
{
    private static readonly IdentifierSearch Register = IdentifierSearch.For(
    [
        Records.Valid("de-wilg", "LL-1001", "Emma de Vries"),
        Records.Valid("de-wilg", "LL-1002", "Zoë Bakker"),
        Records.Valid("de-wilg", "MW-2001", "Šárka Novák") with { WithdrawnOn = new DateOnly(2026, 9, 1) },
        Records.Valid("de-wilg", "LL-1003", "Eva"),
        Records.Valid("de-wilg", "LL-1004", "Bo"),
    ]);

    private static byte[] Embedded(byte[] value, int offset = 7) =>
        [.. Enumerable.Range(0, offset).Select(i => (byte)(0x90 + i)), .. value, 0x00, 0xFF, 0x12];

    [Theory]
    [InlineData("LL-1001", IdentifierKind.SubjectId)]
    [InlineData("ll-1001", IdentifierKind.SubjectId)]
    [InlineData("Emma de Vries", IdentifierKind.DisplayName)]
    [InlineData("EMMA DE VRIES", IdentifierKind.DisplayName)]
    [InlineData("Zoë Bakker", IdentifierKind.DisplayName)]
    [InlineData("ZOË BAKKER", IdentifierKind.DisplayName)]
    public void Value_in_utf8_is_found_whatever_its_case(string value, IdentifierKind kind)
    {
        var hit = Register.Find(Embedded(Encoding.UTF8.GetBytes(value)));

        Assert.Equal(new IdentifierHit(kind, IdentifierEncoding.Utf8), hit);
    }

    [Theory]
    [InlineData(false, 6)]
    [InlineData(false, 7)]
    [InlineData(true, 6)]
    [InlineData(true, 7)]
    public void Name_in_utf16_is_found_at_even_and_odd_offsets(bool bigEndian, int offset)
    {
        var encoding = bigEndian ? Encoding.BigEndianUnicode : Encoding.Unicode;

        // Š (U+0160) has a high byte, so a big-endian name cannot also be read as a little-endian one a
        // byte later (as names of Latin-1 letters can).
        var hit = Register.Find(Embedded(encoding.GetBytes("Šárka Novák"), offset));

        Assert.Equal(new IdentifierHit(IdentifierKind.DisplayName, bigEndian ? IdentifierEncoding.Utf16BigEndian : IdentifierEncoding.Utf16LittleEndian), hit);
        Assert.Equal(IdentifierKind.DisplayName, Register.Find(Embedded(encoding.GetBytes("Zoë Bakker"), offset))?.Kind);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Id_in_utf16_is_found(bool bigEndian)
    {
        var encoding = bigEndian ? Encoding.BigEndianUnicode : Encoding.Unicode;

        var hit = Register.Find(Embedded(encoding.GetBytes("XPKeywords;mw-2001;sport"), 3));

        Assert.Equal(IdentifierKind.SubjectId, hit?.Kind);
    }

    [Fact]
    public void Name_in_latin1_is_found()
    {
        var hit = Register.Find(Embedded(Encoding.Latin1.GetBytes("zoë bakker")));

        Assert.Equal(new IdentifierHit(IdentifierKind.DisplayName, IdentifierEncoding.Latin1), hit);
    }

    [Fact]
    public void Name_in_windows_1252_is_found()
    {
        // Š is 0x8A in Windows-1252 and has no Latin-1 form.
        byte[] bytes = [0x8A, .. Encoding.Latin1.GetBytes("árka Novák")];

        var hit = Register.Find(Embedded(bytes));

        Assert.Equal(new IdentifierHit(IdentifierKind.DisplayName, IdentifierEncoding.Latin1), hit);
    }

    [Fact]
    public void Name_stored_decomposed_hits_the_composed_register_value()
    {
        var decomposed = "Zoe\u0308 Bakker";
        Assert.NotEqual("Zoë Bakker", decomposed);

        Assert.Equal(IdentifierKind.DisplayName, Register.Find(Embedded(Encoding.UTF8.GetBytes(decomposed)))?.Kind);
        Assert.Equal(IdentifierKind.DisplayName, Register.Find(Embedded(Encoding.BigEndianUnicode.GetBytes(decomposed)))?.Kind);
    }

    [Fact]
    public void Name_stored_composed_hits_a_decomposed_register_value()
    {
        var search = IdentifierSearch.For([Records.Valid("de-wilg", "LL-1001", "Zoe\u0308 Bakker")]);

        Assert.Equal(IdentifierKind.DisplayName, search.Find(Encoding.UTF8.GetBytes("<rdf:li>Zoë Bakker</rdf:li>"))?.Kind);
    }

    [Theory]
    [InlineData("<rdf:li>Zo&#235; Bakker</rdf:li>")]
    [InlineData("<rdf:li>Zo&#xEB; Bakker</rdf:li>")]
    [InlineData("<rdf:li>&#90;&#111;&#x00eb;&#32;Bakker</rdf:li>")]
    public void Name_written_with_character_references_is_found(string xml)
    {
        var hit = Register.Find(Encoding.UTF8.GetBytes(xml));

        Assert.Equal(new IdentifierHit(IdentifierKind.DisplayName, IdentifierEncoding.Utf8, InCharacterReferences: true), hit);
    }

    [Fact]
    public void Name_encoded_twice_as_utf8_is_found()
    {
        var twice = Encoding.UTF8.GetBytes(Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("Zoë Bakker")));

        Assert.Equal(IdentifierKind.DisplayName, Register.Find(twice)?.Kind);
    }

    [Fact]
    public void Name_with_other_white_space_in_the_register_is_found_with_single_spaces()
    {
        var search = IdentifierSearch.For([Records.Valid("de-wilg", "LL-1001", "  Emma\u00A0 de\tVries ")]);

        Assert.Equal(IdentifierKind.DisplayName, search.Find("Emma de Vries"u8)?.Kind);
    }

    [Fact]
    public void Withdrawn_subjects_are_searched_too()
    {
        Assert.Equal(IdentifierKind.SubjectId, Register.Find("MW-2001"u8)?.Kind);
        Assert.Equal(IdentifierKind.DisplayName, Register.Find(Encoding.UTF8.GetBytes("Šárka Novák"))?.Kind);
    }

    [Theory]
    [InlineData("Eva;sport")]
    [InlineData("<rdf:li>eva</rdf:li>")]
    [InlineData("\0EVA\0")]
    public void Short_name_is_found_as_a_whole_word(string text)
    {
        Assert.Equal(IdentifierKind.DisplayName, Register.Find(Encoding.UTF8.GetBytes(text))?.Kind);
    }

    [Theory]
    [InlineData("Evaluation copy")]
    [InlineData("Geneva")]
    [InlineData("Eva\u0301")]
    public void Short_name_inside_a_word_is_not_a_hit(string text)
    {
        Assert.Null(Register.Find(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void One_or_two_letter_names_are_not_searched_and_counted()
    {
        Assert.Null(Register.Find("Bo;sport"u8));
        Assert.Equal(1, Register.UnsearchedValues);
        Assert.Equal(5, Register.SubjectIds);
        Assert.Equal(4, Register.DisplayNames);
        Assert.Equal(IdentifierKind.SubjectId, Register.Find("LL-1004"u8)?.Kind);
    }

    [Theory]
    [InlineData("<exif:GPSLatitude>52,22.0N</exif:GPSLatitude>")]
    [InlineData("<rdf:Description exif:GPSVersionID=\"2.3.0.0\"/>")]
    [InlineData("GPSCoordinates")]
    [InlineData("drone-dji:GpsLongitude=\"4.9\"")]
    [InlineData("com.apple.quicktime.location.ISO6709")]
    [InlineData("\u0012\u0015+52.3676+004.9041/")]
    [InlineData("+52.3676+004.9041+001.500/")]
    [InlineData("+5222.5+00453.1/")]
    [InlineData("-33.8688+151.2093")]
    [InlineData("+40.6894-074.0447+010.000CRSWGS_84/")]
    public void Gps_markers_are_found(string text)
    {
        Assert.Equal(IdentifierKind.GpsMarker, Register.Find(Encoding.UTF8.GetBytes(text))?.Kind);
        Assert.Equal(IdentifierKind.GpsMarker, Register.Find(Encoding.Unicode.GetBytes(text))?.Kind);
    }

    [Theory]
    [InlineData("+52+004")]
    [InlineData("version 1.2-3.4")]
    [InlineData("2026-11-27T10:15:00+01:00")]
    [InlineData("+31-20-1234567")]
    [InlineData("Emma de Vrie")]
    [InlineData("LL-100")]
    [InlineData("sRGB IEC61966-2.1")]
    public void Unrelated_text_is_not_a_hit(string text)
    {
        Assert.Null(Register.Find(Encoding.UTF8.GetBytes(text)));
        Assert.Null(Register.Find(Encoding.BigEndianUnicode.GetBytes(text)));
    }

    [Fact]
    public void Empty_input_and_empty_register_find_nothing()
    {
        Assert.Null(Register.Find([]));
        Assert.Null(IdentifierSearch.For([]).Find("Emma de Vries LL-1001"u8));
        Assert.Equal(IdentifierKind.GpsMarker, IdentifierSearch.For([]).Find("GPSLatitude"u8)?.Kind);
    }

    [Fact]
    public void Hits_name_no_value()
    {
        var texts = new List<string>();
        foreach (var input in new[] { "Emma de Vries", "LL-1001", "Zo&#235; Bakker", "GPSLatitude" })
        {
            foreach (var encoding in new[] { Encoding.UTF8, Encoding.Unicode, Encoding.BigEndianUnicode, Encoding.Latin1 })
            {
                var hit = Register.Find(encoding.GetBytes(input));
                Assert.NotNull(hit);
                texts.AddRange([hit.Description, hit.EncodingName, hit.ToString()]);
            }
        }

        foreach (var text in texts)
        {
            foreach (var value in new[] { "Emma", "Vries", "1001", "Zo", "Bakker", "LL-" })
            {
                Assert.DoesNotContain(value, text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public void Register_of_two_thousand_records_finds_each_value_and_nothing_in_noise()
    {
        var records = SchoolRegister(2000);
        var search = IdentifierSearch.For(records);
        Assert.Equal(2000, search.SubjectIds);
        Assert.Equal(2000, search.DisplayNames);

        var noise = new byte[4 * 1024 * 1024];
        new Random(20261127).NextBytes(noise);
        Assert.Null(search.Find(noise));

        foreach (var record in records.Where((_, i) => i % 97 == 0))
        {
            byte[] withName = [.. noise.AsSpan(0, 5000), .. Encoding.Unicode.GetBytes(record.DisplayName), .. noise.AsSpan(5000, 5000)];
            byte[] withId = [.. noise.AsSpan(0, 3001), .. Encoding.UTF8.GetBytes(record.SubjectId.ToLowerInvariant()), .. noise.AsSpan(3001, 3000)];
            Assert.Equal(IdentifierKind.DisplayName, search.Find(withName)?.Kind);
            Assert.Equal(IdentifierKind.SubjectId, search.Find(withId)?.Kind);
        }
    }

    internal static List<ConsentRecord> SchoolRegister(int count)
    {
        string[] first = ["Emma", "Noah", "Sanne", "Daan", "Julia", "Sem", "Tess", "Lucas", "Mila", "Finn", "Zoë", "Levi", "Saar", "Milan", "Noor", "Jesse", "Fenna", "Thijs", "Liv", "Bram"];
        string[] last = ["de Vries", "Bakker", "Jansen", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "van den Berg"];
        string[] extra = [string.Empty, "-Hoekstra", "-Koster", "-Prins", "-Huisman"];
        return [.. Enumerable.Range(0, count).Select(i => Records.Valid("de-wilg", $"LL-{10000 + i}", $"{first[i % first.Length]} {last[i / first.Length % last.Length]}{extra[i / 400 % extra.Length]}"))];
    }
}
