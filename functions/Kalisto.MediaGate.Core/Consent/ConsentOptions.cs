using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Kalisto.MediaGate.Consent;

/// <summary>The register's rules (configuration section <c>MediaGate:Consent</c>).</summary>
public sealed class ConsentOptions
{
    public const string Section = "MediaGate:Consent";

    /// <summary>The channels of SPEC §4, used when none are configured.</summary>
    public static readonly IReadOnlyList<string> DefaultChannels = ["schoolguide", "newsletter", "website", "socialmedia", "parentportal"];

    /// <summary>
    /// The channels consent can be given for; empty means <see cref="DefaultChannels"/>. (Empty by default
    /// because configuration binding adds to a list rather than replacing it.)
    /// </summary>
    public IList<string> Channels { get; init; } = [];

    /// <summary>What a subject ID looks like (case-insensitive).</summary>
    [Required]
    public string SubjectIdPattern { get; set; } = @"^(LL|MW)-\d{3,10}$";

    /// <summary>The time zone in which consent dates are days (the schools' own).</summary>
    [Required]
    public string TimeZone { get; set; } = "Europe/Amsterdam";

    /// <summary>The pattern as a regular expression, built once per pattern (it is asked for per item and per row).</summary>
    public Regex SubjectIdRegex()
    {
        var cached = _subjectIdRegex;
        if (cached is null || cached.ToString() != SubjectIdPattern)
        {
            cached = new(SubjectIdPattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            _subjectIdRegex = cached;
        }

        return cached;
    }

    private Regex? _subjectIdRegex;

    /// <summary>The configured channels, deduplicated, lower case and sorted.</summary>
    public IReadOnlyList<string> ChannelSet() =>
        [.. (Channels.Count > 0 ? (IEnumerable<string>)Channels : DefaultChannels).Select(c => c.Trim().ToLowerInvariant()).Where(c => c.Length > 0).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>The calendar day at <paramref name="now"/> in the schools' time zone.</summary>
    public DateOnly Today(DateTimeOffset now) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(TimeZone)).DateTime);
}
