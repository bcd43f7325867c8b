using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Kalisto.MediaGate.Csv;

namespace Kalisto.MediaGate.Consent;

/// <summary>
/// An error in a consent CSV: the line and what is wrong, with the field when the error is about one
/// (null for an error about the whole row, such as its number of fields).
/// </summary>
public sealed record ConsentCsvError(int Line, string? Field, string Message)
{
    public override string ToString() => Field is null ? $"line {Line}: {Message}" : $"line {Line}, {Field}: {Message}";
}

/// <summary>How a consent CSV was read: its character encoding and the separator between its columns.</summary>
/// <param name="Encoding">
/// <see cref="Utf8"/>, <see cref="Utf8WithBom"/> or <see cref="Windows1252"/>; null when the caller gave text
/// that was already decoded.
/// </param>
/// <param name="Separator"><c>,</c> or <c>;</c>, as the header row has it.</param>
public sealed record ConsentCsvFormat(string? Encoding, char Separator)
{
    public const string Utf8 = "UTF-8";
    public const string Utf8WithBom = "UTF-8 with BOM";
    public const string Windows1252 = "Windows-1252";

    /// <summary>For a summary: <c>Windows-1252, ';' between columns</c>.</summary>
    public override string ToString() => Encoding is null ? $"'{Separator}' between columns" : $"{Encoding}, '{Separator}' between columns";
}

/// <summary>The result of reading a consent CSV: the records, or every error (never both).</summary>
public sealed record ConsentCsvResult(IReadOnlyList<ConsentRecord> Records, IReadOnlyList<ConsentCsvError> Errors)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>How the file was read; null when not even its header row could be read.</summary>
    public ConsentCsvFormat? Format { get; init; }

    /// <summary>What was read and not used, one message each (a column outside the register's header).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>The CSV form of the register (SPEC §4), read and written with CsvHelper.</summary>
public static class ConsentCsv
{
    public static readonly IReadOnlyList<string> Header =
        ["school", "subject_id", "kind", "display_name", "channels", "valid_from", "valid_until", "withdrawn_on", "evidence"];

    /// <summary>The separators a header row may have between its columns (SPEC §4), the first preferred.</summary>
    public static readonly IReadOnlyList<char> Separators = [',', ';'];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // In the shared framework since .NET Core 3.0: no package, and no process-wide Encoding.RegisterProvider.
    private static readonly Encoding Windows1252Encoding = CodePagesEncodingProvider.Instance.GetEncoding(1252)
        ?? throw new InvalidOperationException("Windows-1252 is not available.");

    /// <summary>
    /// Reads a CSV as the bytes of a file: UTF-8 with or without BOM, or Windows-1252 when the bytes are not
    /// UTF-8; <c>,</c> or <c>;</c> between columns, as the header row has it (<see cref="ConsentCsvResult.Format"/>
    /// says which). All or nothing: any error and no record is returned. With <paramref name="school"/>, the
    /// register of that one school: a row of another school is an error on its line.
    /// </summary>
    public static ConsentCsvResult Read(Stream csv, ConsentOptions options, string? school = null)
    {
        ArgumentNullException.ThrowIfNull(csv);
        using var buffer = new MemoryStream();
        csv.CopyTo(buffer);
        return Read(buffer.ToArray(), options, school);
    }

    /// <summary>Reads a CSV already held as bytes (a request body, a file read whole); as <see cref="Read(Stream, ConsentOptions, string?)"/>.</summary>
    public static ConsentCsvResult Read(byte[] bytes, ConsentOptions options, string? school = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var (text, encoding, error) = Decode(bytes);
        return error is not null ? new ConsentCsvResult([], [error]) : ReadText(text!, encoding, options, school);
    }

    /// <summary>Reads a CSV that is already text (<see cref="ConsentCsvFormat.Encoding"/> is null); otherwise as <see cref="Read(Stream, ConsentOptions, string?)"/>.</summary>
    public static ConsentCsvResult Read(TextReader text, ConsentOptions options, string? school = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var content = text.ReadToEnd();
        return ReadText(content.StartsWith('\uFEFF') ? content[1..] : content, null, options, school);
    }

    /// <summary>
    /// The text of the bytes and the name of its encoding, or the error: a UTF-8 byte order mark holds the
    /// file to UTF-8; without one, bytes that are not UTF-8 are Windows-1252 (Excel's "CSV" on Windows in
    /// Western Europe), which decodes every byte.
    /// </summary>
    private static (string? Text, string? Encoding, ConsentCsvError? Error) Decode(byte[] bytes)
    {
        if (bytes is [0xEF, 0xBB, 0xBF, ..])
        {
            try
            {
                return (StrictUtf8.GetString(bytes.AsSpan(3)), ConsentCsvFormat.Utf8WithBom, null);
            }
            catch (DecoderFallbackException e)
            {
                var at = Math.Clamp(3 + e.Index, 3, bytes.Length);
                var line = 1 + bytes.AsSpan(0, at).Count((byte)'\n');
                return (null, null, new ConsentCsvError(line, "encoding", "the file starts with the UTF-8 byte order mark but this line is not UTF-8; save it again as 'CSV UTF-8'"));
            }
        }

        if (bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
        {
            return (null, null, new ConsentCsvError(1, "encoding", "the file is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' or 'CSV'"));
        }

        try
        {
            return (StrictUtf8.GetString(bytes), ConsentCsvFormat.Utf8, null);
        }
        catch (DecoderFallbackException)
        {
            return (Windows1252Encoding.GetString(bytes), ConsentCsvFormat.Windows1252, null);
        }
    }

    private static ConsentCsvResult ReadText(string text, string? encoding, ConsentOptions options, string? school)
    {
        ArgumentNullException.ThrowIfNull(options);
        var lines = new LineIndex(text);
        var separator = DetectSeparator(text, lines, out var headerError);
        if (headerError is not null)
        {
            return new ConsentCsvResult([], [headerError]);
        }

        var format = new ConsentCsvFormat(encoding, separator);
        var errors = new List<ConsentCsvError>();
        var notes = new List<string>();
        var records = new List<ConsentRecord>();
        var seen = new Dictionary<(string, string), int>();
        var badData = new List<ConsentCsvError>();
        var config = Configuration(separator);
        config.BadDataFound = args => badData.Add(BadData(args, lines));

        try
        {
            using var parser = new CsvParser(new StringReader(text), config);
            parser.Read();
            var headerLine = RecordLine(parser, lines);
            var header = parser.Record!.Select(ColumnName).ToArray();
            errors.AddRange(badData);
            errors.AddRange(HeaderErrors(header, headerLine, separator));
            if (errors.Count > 0)
            {
                return new ConsentCsvResult([], errors) { Format = format };
            }

            for (var i = 0; i < header.Length; i++)
            {
                if (header[i].Length == 0)
                {
                    notes.Add($"column {i + 1} has no name and was ignored");
                }
                else if (!Header.Contains(header[i]))
                {
                    notes.Add($"column '{Shown(header[i])}' is not used and was ignored");
                }
            }

            while (parser.Read())
            {
                badData.Clear();
                var fields = parser.Record!; // every field processed now, so bad data is reported on this row
                var line = RecordLine(parser, lines);
                if (badData.Count > 0)
                {
                    errors.AddRange(badData);
                    continue;
                }

                if (fields.All(string.IsNullOrWhiteSpace))
                {
                    continue; // a blank line, or one of only separators (Excel writes those for emptied rows)
                }

                if (fields.Length != header.Length)
                {
                    errors.Add(new ConsentCsvError(line, null, $"{fields.Length} fields, the header has {header.Length}; a value that holds '{separator}' needs quotes around it"));
                    continue;
                }

                // A cell an export neutralised ('=…) is read back as the value it was (CsvCells).
                string Field(string name) => CsvCells.Restore(fields[Array.IndexOf(header, name)].Trim());

                // In a ';' file the channels are separated by ',' (or by ';' in a quoted cell).
                var channels = separator == ';' ? Field("channels").Replace(',', ';') : Field("channels");
                var before = errors.Count;
                var record = ConsentFields.Parse(
                    new ConsentFields(Field("school"), Field("subject_id"), Field("kind"), Field("display_name"), channels, Field("valid_from"), Field("valid_until"), Field("withdrawn_on"), Field("evidence")),
                    options,
                    (field, message) => errors.Add(new ConsentCsvError(line, field, message)));
                if (record is not null && school is not null && record.School != school)
                {
                    errors.Add(new ConsentCsvError(line, "school", $"'{record.School}' is not the school of this import ('{school}')"));
                }
                else if (record is not null && seen.TryGetValue((record.School, record.SubjectId), out var firstLine))
                {
                    errors.Add(new ConsentCsvError(line, "subject_id", $"{record.School} {record.SubjectId} is also on line {firstLine}"));
                }
                else if (record is not null)
                {
                    seen[(record.School, record.SubjectId)] = line;
                }

                if (record is not null && errors.Count == before)
                {
                    records.Add(record with { Line = line });
                }
            }
        }
        catch (CsvHelperException e)
        {
            var line = e.Context?.Parser is { } p ? RecordLine(p, lines) : 1;
            errors.Add(new ConsentCsvError(line, null, $"not valid CSV: {e.GetType().Name}"));
        }

        return errors.Count > 0
            ? new ConsentCsvResult([], errors) { Format = format, Notes = notes }
            : new ConsentCsvResult(records, []) { Format = format, Notes = notes };
    }

    /// <summary>
    /// The separator of the header row (the header is fixed): the one of <see cref="Separators"/> that splits
    /// it into more of the register's column names. Only the header row is looked at, so a data row cannot
    /// change how the file is read. Neither: an error on the header's line.
    /// </summary>
    private static char DetectSeparator(string text, LineIndex lines, out ConsentCsvError? error)
    {
        error = null;
        var best = (Separator: Separators[0], Known: 0);
        var line = 1;
        foreach (var separator in Separators)
        {
            var config = Configuration(separator);
            config.BadDataFound = null; // the reading proper reports it
            using var parser = new CsvParser(new StringReader(text), config);
            if (!parser.Read())
            {
                error = new ConsentCsvError(1, "header", "the file is empty; expected a header row");
                return best.Separator;
            }

            line = RecordLine(parser, lines);
            var known = parser.Record!.Select(ColumnName).Distinct().Count(Header.Contains);
            if (known > best.Known)
            {
                best = (separator, known);
            }
        }

        if (best.Known == 0)
        {
            error = new ConsentCsvError(line, "header", $"the header row has neither ',' nor ';' between the column names; expected {string.Join(',', Header)} (or the same with ';')");
        }

        return best.Separator;
    }

    private static IEnumerable<ConsentCsvError> HeaderErrors(string[] header, int line, char separator)
    {
        foreach (var group in header.Select((name, i) => (name, column: i + 1)).Where(c => c.name.Length > 0).GroupBy(c => c.name).Where(g => g.Count() > 1))
        {
            yield return new ConsentCsvError(line, "header", $"column '{Shown(group.Key)}' appears more than once (columns {string.Join(", ", group.Select(c => c.column))})");
        }

        var missing = Header.Where(h => !header.Contains(h)).ToList();
        if (missing.Count > 0)
        {
            var message = new StringBuilder("the header must have the columns ").AppendJoin(separator, Header).Append("; missing: ").AppendJoin(", ", missing);
            var unknown = header.Where(h => h.Length > 0 && !Header.Contains(h)).Select(Shown).ToList();
            if (unknown.Count > 0)
            {
                message.Append("; unknown: ").AppendJoin(", ", unknown);
            }

            yield return new ConsentCsvError(line, "header", message.ToString());
        }
    }

    private static CsvConfiguration Configuration(char separator) => new(CultureInfo.InvariantCulture)
    {
        Delimiter = separator.ToString(),
        TrimOptions = TrimOptions.Trim,
        DetectColumnCountChanges = false,
        MissingFieldFound = null,
    };

    private static string ColumnName(string cell) => cell.Trim().Trim('\uFEFF').Trim().ToLowerInvariant();

    /// <summary>
    /// The line a row starts on. CsvHelper's <see cref="IParser.RawRow"/> is the line a row ends on (one past
    /// the end for a quote left open at the end of the file), so the start is taken from the parser's position
    /// instead: <see cref="IParser.CharCount"/> less the row's <see cref="IParser.RawRecord"/>.
    /// </summary>
    private static int RecordLine(IParser parser, LineIndex lines) => lines.LineAt((int)(parser.CharCount - parser.RawRecord.Length));

    /// <summary>
    /// CsvHelper's bad data as an error on the line where it is: a quote left open (an odd number of quotes in
    /// the field, which then runs to the end of the file) is reported on the line where the quote opened.
    /// Never echoes the field (it may hold a name).
    /// </summary>
    private static ConsentCsvError BadData(BadDataFoundArgs args, LineIndex lines)
    {
        var parser = args.Context.Parser!;
        var raw = parser.RawRecord;
        var start = (int)(parser.CharCount - raw.Length);
        var at = raw.LastIndexOf(args.Field, StringComparison.Ordinal);
        var line = lines.LineAt(start + Math.Max(at, 0));
        return args.Field.Count(c => c == '"') % 2 == 1
            ? new ConsentCsvError(line, null, "a quote (\") opens a field on this line and is never closed, so the rest of the file could not be read")
            : new ConsentCsvError(line, null, "a quote (\") in a field that is not quoted as a whole; put the whole field in quotes and write a quote inside it as \"\"");
    }

    /// <summary>A column name echoed in a message, cut short.</summary>
    private static string Shown(string value) => value.Length > 64 ? value[..64] + "…" : value;

    /// <summary>
    /// Line numbers of character positions in the text, with CsvHelper's line ends (\r\n, \n or \r). CsvHelper
    /// gives positions, not the line a position is on; this is the index from one to the other.
    /// </summary>
    private sealed class LineIndex
    {
        private readonly List<int> _starts = [0];

        public LineIndex(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                if (text[i] is '\r' or '\n')
                {
                    _starts.Add(i + 1);
                }
            }
        }

        /// <summary>The 1-based line of a position.</summary>
        public int LineAt(int position)
        {
            var index = _starts.BinarySearch(Math.Max(position, 0));
            return index >= 0 ? index + 1 : ~index;
        }
    }

    /// <summary>
    /// Writes records in the import format (UTF-8 without BOM is up to the caller's writer). A value that a
    /// spreadsheet would run as a formula is written as text (<see cref="CsvCells"/>); <see cref="Read(TextReader, ConsentOptions, string?)"/>
    /// gives it back as it was.
    /// </summary>
    public static void Write(TextWriter text, IEnumerable<ConsentRecord> records)
    {
        using var csv = CsvCells.CreateWriter(text);
        foreach (var name in Header)
        {
            csv.WriteField(name);
        }

        csv.NextRecord();
        foreach (var r in records)
        {
            csv.WriteField(r.School);
            csv.WriteField(r.SubjectId);
            csv.WriteField(r.Kind == SubjectKind.Staff ? "staff" : "pupil");
            csv.WriteField(r.DisplayName);
            csv.WriteField(string.Join(';', r.Channels));
            csv.WriteField(ConsentFields.Format(r.ValidFrom));
            csv.WriteField(ConsentFields.Format(r.ValidUntil));
            csv.WriteField(r.WithdrawnOn is { } withdrawn ? ConsentFields.Format(withdrawn) : string.Empty);
            csv.WriteField(r.Evidence ?? string.Empty);
            csv.NextRecord();
        }
    }
}
