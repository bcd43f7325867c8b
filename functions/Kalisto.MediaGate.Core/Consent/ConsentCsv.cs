using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Kalisto.MediaGate.Csv;

namespace Kalisto.MediaGate.Consent;

/// <summary>An error in a consent CSV: the line, the field and what is wrong.</summary>
public sealed record ConsentCsvError(int Line, string Field, string Message)
{
    public override string ToString() => $"line {Line}, {Field}: {Message}";
}

/// <summary>The result of reading a consent CSV: the records, or every error (never both).</summary>
public sealed record ConsentCsvResult(IReadOnlyList<ConsentRecord> Records, IReadOnlyList<ConsentCsvError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>The CSV form of the register (SPEC §4), read and written with CsvHelper.</summary>
public static class ConsentCsv
{
    public static readonly IReadOnlyList<string> Header =
        ["school", "subject_id", "kind", "display_name", "channels", "valid_from", "valid_until", "withdrawn_on", "evidence"];


    /// <summary>
    /// Reads a CSV (UTF-8 with or without BOM). All or nothing: any error and no record is returned.
    /// With <paramref name="school"/>, the register of that one school: a row of another school is an error on its line.
    /// </summary>
    public static ConsentCsvResult Read(Stream csv, ConsentOptions options, string? school = null)
    {
        using var text = new StreamReader(csv, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        return Read(text, options, school);
    }

    public static ConsentCsvResult Read(TextReader text, ConsentOptions options, string? school = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<ConsentCsvError>();
        var records = new List<ConsentRecord>();
        var seen = new Dictionary<(string, string), int>();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim,
            DetectColumnCountChanges = false,
            BadDataFound = null,
            MissingFieldFound = null,
        };

        try
        {
            using var csv = new CsvReader(text, config);
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null)
            {
                return new ConsentCsvResult([], [new ConsentCsvError(1, "header", "the file is empty; expected a header row")]);
            }

            var header = csv.HeaderRecord.Select(h => h.Trim().ToLowerInvariant()).ToArray();
            var missing = Header.Where(h => !header.Contains(h)).ToList();
            var unknown = header.Where(h => !Header.Contains(h)).ToList();
            if (missing.Count > 0 || unknown.Count > 0)
            {
                var message = new StringBuilder("the header must be: ").AppendJoin(',', Header);
                if (missing.Count > 0)
                {
                    message.Append("; missing: ").AppendJoin(", ", missing);
                }

                if (unknown.Count > 0)
                {
                    message.Append("; unknown: ").AppendJoin(", ", unknown);
                }

                return new ConsentCsvResult([], [new ConsentCsvError(1, "header", message.ToString())]);
            }

            // A cell an export neutralised ('=…) is read back as the value it was (CsvCells).
            string Field(string name) => CsvCells.Restore(csv.GetField(Array.IndexOf(header, name))?.Trim() ?? string.Empty);

            while (csv.Read())
            {
                var line = csv.Parser.RawRow;
                if (csv.Parser.Record is { } raw && raw.All(string.IsNullOrWhiteSpace))
                {
                    continue; // blank line
                }

                var before = errors.Count;
                var record = ConsentFields.Parse(
                    new ConsentFields(Field("school"), Field("subject_id"), Field("kind"), Field("display_name"), Field("channels"), Field("valid_from"), Field("valid_until"), Field("withdrawn_on"), Field("evidence")),
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
            errors.Add(new ConsentCsvError(e.Context?.Parser?.RawRow ?? 0, "csv", $"not valid CSV: {e.GetType().Name}"));
        }
        catch (DecoderFallbackException)
        {
            errors.Add(new ConsentCsvError(0, "encoding", "the file is not UTF-8"));
        }

        return errors.Count > 0 ? new ConsentCsvResult([], errors) : new ConsentCsvResult(records, []);
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
