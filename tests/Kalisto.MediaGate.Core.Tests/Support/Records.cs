using Kalisto.MediaGate.Consent;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>Consent records for tests: valid for the school year 2026–2027, every channel unless given.</summary>
internal static class Records
{
    public static ConsentRecord Valid(string school, string subject, string name = "Emma de Vries", params string[] channels) => new()
    {
        School = school,
        SubjectId = subject,
        Kind = subject.StartsWith("MW", StringComparison.Ordinal) ? SubjectKind.Staff : SubjectKind.Pupil,
        DisplayName = name,
        Channels = channels.Length == 0 ? ["newsletter", "parentportal", "schoolguide", "socialmedia", "website"] : [.. channels.Order(StringComparer.Ordinal)],
        ValidFrom = new DateOnly(2026, 8, 1),
        ValidUntil = new DateOnly(2027, 7, 31),
        Evidence = "form-" + subject,
    };
}
