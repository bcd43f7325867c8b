using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

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

    private const string DateFormat = "yyyy-MM-dd";
    private static readonly System.Text.RegularExpressions.Regex SchoolCode =
        new("^[a-z0-9][a-z0-9-]{0,62}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>Reads a CSV (UTF-8 with or without BOM). All or nothing: any error and no record is returned.</summary>
    public static ConsentCsvResult Read(Stream csv, ConsentOptions options)
    {
        using var text = new StreamReader(csv, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        return Read(text, options);
    }

    public static ConsentCsvResult Read(TextReader text, ConsentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<ConsentCsvError>();
        var records = new List<ConsentRecord>();
        var channels = options.ChannelSet().ToHashSet(StringComparer.Ordinal);
        var idPattern = options.SubjectIdRegex();
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

            string Field(string name) => csv.GetField(Array.IndexOf(header, name))?.Trim() ?? string.Empty;

            while (csv.Read())
            {
                var line = csv.Parser.RawRow;
                if (csv.Parser.Record is { } raw && raw.All(string.IsNullOrWhiteSpace))
                {
                    continue; // blank line
                }

                var before = errors.Count;
                void Error(string field, string message) => errors.Add(new ConsentCsvError(line, field, message));

                var school = Field("school").ToLowerInvariant();
                if (!SchoolCode.IsMatch(school))
                {
                    Error("school", $"'{school}' is not a school code (lower-case letters, digits and '-')");
                }

                var subject = Field("subject_id").ToUpperInvariant();
                if (!idPattern.IsMatch(subject))
                {
                    Error("subject_id", $"'{subject}' does not match the subject ID pattern {options.SubjectIdPattern}");
                }

                SubjectKind kind = default;
                switch (Field("kind").ToLowerInvariant())
                {
                    case "pupil":
                        kind = SubjectKind.Pupil;
                        break;
                    case "staff":
                        kind = SubjectKind.Staff;
                        break;
                    default:
                        Error("kind", $"'{Field("kind")}' is not 'pupil' or 'staff'");
                        break;
                }

                var displayName = Field("display_name");
                if (displayName.Length == 0)
                {
                    Error("display_name", "is empty");
                }

                var granted = Field("channels").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(c => c.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToList();
                foreach (var channel in granted.Where(c => !channels.Contains(c)))
                {
                    Error("channels", $"unknown channel '{channel}' (known: {string.Join(", ", channels.Order(StringComparer.Ordinal))})");
                }

                var validFrom = Date(Field("valid_from"), "valid_from", required: true, Error);
                var validUntil = Date(Field("valid_until"), "valid_until", required: true, Error);
                var withdrawnOn = Date(Field("withdrawn_on"), "withdrawn_on", required: false, Error);
                if (validFrom is { } from && validUntil is { } until && until < from)
                {
                    Error("valid_until", $"{until.ToString(DateFormat, CultureInfo.InvariantCulture)} is before valid_from {from.ToString(DateFormat, CultureInfo.InvariantCulture)}");
                }

                var evidence = Field("evidence");
                if (granted.Count > 0 && evidence.Length == 0)
                {
                    Error("evidence", "a record that grants channels needs evidence (the signed form's reference)");
                }

                if (seen.TryGetValue((school, subject), out var firstLine))
                {
                    Error("subject_id", $"{school} {subject} is also on line {firstLine}");
                }
                else
                {
                    seen[(school, subject)] = line;
                }

                if (errors.Count == before)
                {
                    records.Add(new ConsentRecord
                    {
                        School = school,
                        SubjectId = subject,
                        Kind = kind,
                        DisplayName = displayName,
                        Channels = granted,
                        ValidFrom = validFrom!.Value,
                        ValidUntil = validUntil!.Value,
                        WithdrawnOn = withdrawnOn,
                        Evidence = evidence.Length == 0 ? null : evidence,
                    });
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

    /// <summary>Writes records in the import format (UTF-8 without BOM is up to the caller's writer).</summary>
    public static void Write(TextWriter text, IEnumerable<ConsentRecord> records)
    {
        using var csv = new CsvWriter(text, new CsvConfiguration(CultureInfo.InvariantCulture), leaveOpen: true);
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
            csv.WriteField(r.ValidFrom.ToString(DateFormat, CultureInfo.InvariantCulture));
            csv.WriteField(r.ValidUntil.ToString(DateFormat, CultureInfo.InvariantCulture));
            csv.WriteField(r.WithdrawnOn?.ToString(DateFormat, CultureInfo.InvariantCulture) ?? string.Empty);
            csv.WriteField(r.Evidence ?? string.Empty);
            csv.NextRecord();
        }
    }

    private static DateOnly? Date(string value, string field, bool required, Action<string, string> error)
    {
        if (value.Length == 0)
        {
            if (required)
            {
                error(field, "is empty; expected a date yyyy-MM-dd");
            }

            return null;
        }

        if (DateOnly.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        error(field, $"'{value}' is not a date yyyy-MM-dd");
        return null;
    }
}
