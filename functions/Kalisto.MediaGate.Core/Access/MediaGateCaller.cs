using Kalisto.MediaGate.Consent;

namespace Kalisto.MediaGate.Access;

/// <summary>
/// The signed-in person behind a request: their Entra object ID, a display name (only to say who changed a
/// record, in its history) and the roles they have for which schools. Whether they may do something is
/// <see cref="AccessCheck"/>.
/// </summary>
public sealed class MediaGateCaller
{
    /// <param name="userId">The Entra object ID (or, with the development sign-in, the chosen user's ID).</param>
    /// <param name="displayName">The name to show in history; null when the principal has none.</param>
    /// <param name="grants">
    /// The roles and their schools. Schools are normalised as everywhere in MediaGate; an entry that is then no
    /// school code and not <see cref="SchoolRole.AllSchools"/> grants nothing and is left out.
    /// </param>
    public MediaGateCaller(string userId, string? displayName, IEnumerable<SchoolRole> grants)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        ArgumentNullException.ThrowIfNull(grants);
        UserId = userId;
        DisplayName = string.IsNullOrWhiteSpace(displayName) ? null : displayName.Trim();
        Grants = grants
            .Where(g => g is not null)
            .Select(g => g with { School = g.School == SchoolRole.AllSchools ? g.School : ConsentFields.NormaliseSchool(g.School) })
            .Where(g => g.School == SchoolRole.AllSchools || ConsentFields.IsSchoolCode(g.School))
            .ToHashSet();
    }

    /// <summary>The user's stable ID: for Entra, the object ID in lower-case GUID form.</summary>
    public string UserId { get; }

    /// <summary>The name to show in history ("who changed it"); never used for a decision.</summary>
    public string? DisplayName { get; }

    /// <summary>The roles the caller has, each for one school or for every school.</summary>
    public IReadOnlySet<SchoolRole> Grants { get; }

    /// <summary>Who to record as having made a change: the display name with the ID, or the ID alone.</summary>
    public string ChangedBy => DisplayName is null ? UserId : $"{DisplayName} ({UserId})";

    /// <summary>
    /// The caller App Service Authentication signed in, from its <c>X-MS-CLIENT-PRINCIPAL</c> header value,
    /// with the grants of <paramref name="options"/>; null when there is none or the value is not one
    /// (see <see cref="ClientPrincipal.Parse"/>).
    /// </summary>
    public static MediaGateCaller? FromClientPrincipalHeader(string? headerValue, AccessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ClientPrincipal.Parse(headerValue) is { } principal ? From(principal, options) : null;
    }

    /// <summary>The caller of a parsed principal, with the grants its groups and app roles have in <paramref name="options"/>.</summary>
    public static MediaGateCaller From(ClientPrincipal principal, AccessOptions options)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(options);
        return new(principal.ObjectId.ToString("D"), principal.Name, options.Resolve(principal.Groups, principal.AppRoles));
    }
}
