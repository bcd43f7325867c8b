using System.Globalization;
using System.Text.RegularExpressions;

namespace Kalisto.MediaGate.Consent;

/// <summary>
/// One register record as people write it (a CSV row, an API request): text fields, checked and turned
/// into a <see cref="ConsentRecord"/> by <see cref="Parse"/>. The same rules wherever a record comes from.
/// </summary>
public sealed record ConsentFields(
    string? School,
    string? SubjectId,
    string? Kind,
    string? DisplayName,
    string? Channels,
    string? ValidFrom,
    string? ValidUntil,
    string? WithdrawnOn,
    string? Evidence)
{
    public const string DateFormat = "yyyy-MM-dd";

    private static readonly Regex SchoolCode = new("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant);

    /// <summary>Whether a text is a school code (lower-case letters, digits and '-').</summary>
    public static bool IsSchoolCode(string? value) => value is not null && SchoolCode.IsMatch(value);

    /// <summary>
    /// A school code as people type it, in the one normalisation MediaGate applies (SPEC §5): trimmed, and
    /// the ASCII letters A–Z made a–z. No other character is folded (<see cref="string.ToLowerInvariant()"/>
    /// would turn the Kelvin sign into a k), so a look-alike never becomes another school's code.
    /// </summary>
    public static string NormaliseSchool(string? value)
    {
        var trimmed = (value ?? string.Empty).Trim();
        return string.Create(trimmed.Length, trimmed, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is >= 'A' and <= 'Z' ? (char)(c + ('a' - 'A')) : c;
            }
        });
    }

    /// <summary>The record, or null after reporting every problem through <paramref name="error"/> (field, message).</summary>
    public static ConsentRecord? Parse(ConsentFields fields, ConsentOptions options, Action<string, string> error)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(error);
        var failed = false;
        void Error(string field, string message)
        {
            failed = true;
            error(field, message);
        }

        var school = NormaliseSchool(fields.School);
        if (!IsSchoolCode(school))
        {
            Error("school", $"'{school}' is not a school code (lower-case letters, digits and '-')");
        }

        var subject = Text(fields.SubjectId).ToUpperInvariant();
        if (!options.SubjectIdRegex().IsMatch(subject))
        {
            Error("subject_id", $"'{subject}' does not match the subject ID pattern {options.SubjectIdPattern}");
        }

        SubjectKind kind = default;
        switch (Text(fields.Kind).ToLowerInvariant())
        {
            case "pupil":
                kind = SubjectKind.Pupil;
                break;
            case "staff":
                kind = SubjectKind.Staff;
                break;
            default:
                Error("kind", $"'{Text(fields.Kind)}' is not 'pupil' or 'staff'");
                break;
        }

        var displayName = Text(fields.DisplayName);
        if (displayName.Length == 0)
        {
            Error("display_name", "is empty");
        }

        var known = options.ChannelSet();
        var granted = Text(fields.Channels).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => c.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var channel in granted.Where(c => !known.Contains(c)))
        {
            Error("channels", $"unknown channel '{channel}' (known: {string.Join(", ", known)})");
        }

        var validFrom = Date(Text(fields.ValidFrom), "valid_from", required: true, Error);
        var validUntil = Date(Text(fields.ValidUntil), "valid_until", required: true, Error);
        var withdrawnOn = Date(Text(fields.WithdrawnOn), "withdrawn_on", required: false, Error);
        if (validFrom is { } from && validUntil is { } until && until < from)
        {
            Error("valid_until", $"{Format(until)} is before valid_from {Format(from)}");
        }

        var evidence = Text(fields.Evidence);
        if (granted.Count > 0 && evidence.Length == 0)
        {
            Error("evidence", "a record that grants channels needs evidence (the signed form's reference)");
        }

        return failed ? null : new ConsentRecord
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
        };
    }

    public static string Format(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>A date yyyy-MM-dd; null (after reporting it) when it is not one.</summary>
    public static DateOnly? Date(string value, string field, bool required, Action<string, string> error)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(error);
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

    private static string Text(string? value) => value?.Trim() ?? string.Empty;
}
