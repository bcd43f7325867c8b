using Kalisto.MediaGate.Consent;

namespace Kalisto.MediaGate.Web.Api;

/// <summary>
/// The body of <c>PUT …/consent/{subjectId}</c>: the record's fields as the CSV has them, the channels as an array,
/// and the version read (to replace only that version). School and subject come from the address; when the body
/// names them too, they must agree.
/// </summary>
public sealed record ConsentRequest(
    string? School,
    string? SubjectId,
    string? Kind,
    string? DisplayName,
    IReadOnlyList<string?>? Channels,
    string? ValidFrom,
    string? ValidUntil,
    string? WithdrawnOn,
    string? Evidence,
    long? Version)
{
    /// <summary>The record's fields, checked against the address; what does not agree goes to <paramref name="errors"/>.</summary>
    internal ConsentFields Fields(string school, string subject, ApiErrors errors)
    {
        if (School is not null && ConsentFields.NormaliseSchool(School) != school)
        {
            errors.Add("school", $"the body names school '{SchoolApi.Shown(School)}', the address '{school}'");
        }

        if (SubjectId is not null && SubjectId.Trim().ToUpperInvariant() != subject)
        {
            errors.Add("subject_id", $"the body names subject '{SchoolApi.Shown(SubjectId)}', the address '{subject}'");
        }

        if (Version < 0)
        {
            errors.Add("version", RequestBody.VersionMessage);
        }

        string? channels = null;
        if (Channels is not null)
        {
            if (Channels.Any(c => c is null))
            {
                errors.Add("channels", RequestBody.ChannelsMessage);
            }

            foreach (var channel in Channels.Where(c => c is not null && c.Contains(';', StringComparison.Ordinal)))
            {
                errors.Add("channels", $"'{SchoolApi.Shown(channel)}' is not one channel name");
            }

            // As the CSV has them: ';' between names.
            channels = string.Join(';', Channels);
        }

        return new ConsentFields(school, subject, Kind, DisplayName, channels, ValidFrom, ValidUntil, WithdrawnOn, Evidence);
    }
}

/// <summary>The body of <c>POST …/consent/{subjectId}/withdraw</c>: from when (today when absent, or no body at all).</summary>
public sealed record WithdrawalRequest(string? WithdrawnOn);
