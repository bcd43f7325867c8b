using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace Kalisto.MediaGate.Access;

/// <summary>
/// The principal App Service Authentication (Easy Auth) passes to the app in the <c>X-MS-CLIENT-PRINCIPAL</c>
/// header: Base64 of JSON <c>{"auth_typ", "claims": [{"typ", "val"}], "name_typ", "role_typ"}</c>. Only what
/// access needs is kept. The platform sets the header and removes one a client sends; a host that is not behind
/// App Service Authentication must not read it.
/// </summary>
/// <remarks>
/// Read by hand with <see cref="JsonDocument"/> rather than with Microsoft.Identity.Web's
/// <c>AppServicesAuthentication</c> handler: that one lives in ASP.NET Core, which Core does not reference,
/// and does not fail closed on a malformed value the way the access model needs.
/// </remarks>
public sealed class ClientPrincipal
{
    /// <summary>The header App Service Authentication sets.</summary>
    public const string HeaderName = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>
    /// The longest header value read (Base64 characters). A user in many groups makes a long value; beyond the
    /// groups Entra puts in a token (200) it lists none, so a value this long is not one the platform wrote.
    /// </summary>
    public const int MaxHeaderLength = 64 * 1024;

    public const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    public const string ShortObjectIdClaim = "oid";
    public const string GroupsClaim = "groups";
    public const string RolesClaim = "roles";
    public const string RoleUriClaim = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
    public const string NameClaim = "name";

    /// <summary>The claims Entra sends instead of the groups when a user is in too many (group overage).</summary>
    private static readonly string[] OverageClaims = ["hasgroups", "_claim_names", "_claim_sources", "groups_overage"];

    private const int MaxNameLength = 256;

    private ClientPrincipal(string authType, Guid objectId, string? name, IReadOnlySet<Guid> groups, IReadOnlySet<string> appRoles, bool groupsIncomplete)
    {
        AuthType = authType;
        ObjectId = objectId;
        Name = name;
        Groups = groups;
        AppRoles = appRoles;
        GroupsIncomplete = groupsIncomplete;
    }

    /// <summary>The identity provider (<c>aad</c> for Entra ID).</summary>
    public string AuthType { get; }

    /// <summary>The user's Entra object ID.</summary>
    public Guid ObjectId { get; }

    /// <summary>The display name (the <c>name</c> claim, else the claim <c>name_typ</c> names); null when absent.</summary>
    public string? Name { get; }

    /// <summary>The object IDs of the user's groups (the <c>groups</c> claims that are GUIDs).</summary>
    public IReadOnlySet<Guid> Groups { get; }

    /// <summary>The app-role values (<c>roles</c> claims).</summary>
    public IReadOnlySet<string> AppRoles { get; }

    /// <summary>
    /// Whether Entra left the groups out because the user is in too many (group overage): the user then has only
    /// what their app roles grant. Worth a log line; app roles do not have this limit.
    /// </summary>
    public bool GroupsIncomplete { get; }

    /// <summary>
    /// The principal of a header value; null when there is no value or it is not one: not Base64, not UTF-8
    /// JSON of the shape above (UTF-8, no member twice), too long, a claim without a text <c>typ</c> and a <c>val</c>, a claim it reads (object ID, groups, roles, name) whose value is not text, no object ID that is a GUID, or
    /// two different object IDs. Never throws on its input.
    /// </summary>
    public static ClientPrincipal? Parse(string? headerValue)
    {
        if (string.IsNullOrWhiteSpace(headerValue) || headerValue.Length > MaxHeaderLength)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(headerValue.Length);
        try
        {
            return Convert.TryFromBase64String(headerValue.Trim(), buffer, out var written) ? Read(buffer.AsMemory(0, written)) : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private static ClientPrincipal? Read(ReadOnlyMemory<byte> json)
    {
        // JsonDocument checks UTF-8 only when a string is read, and then throws InvalidOperationException.
        if (!Utf8.IsValid(json.Span))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4, AllowDuplicateProperties = false });
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            try
            {
                return Read(document.RootElement);
            }
            catch (InvalidOperationException)
            {
                // A string that is no UTF-16 once unescaped (a lone surrogate, "\ud800"): read only then.
                return null;
            }
        }
    }

    private static ClientPrincipal? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("claims", out var claims) || claims.ValueKind != JsonValueKind.Array
            || OptionalString(root, "auth_typ") is not { } authType
            || OptionalString(root, "name_typ") is not { } nameType
            || OptionalString(root, "role_typ") is null)
        {
            return null;
        }

        Guid? objectId = null;
        string? name = null;
        string? namedByType = null;
        var groups = new HashSet<Guid>();
        var appRoles = new HashSet<string>(StringComparer.Ordinal);
        var groupsIncomplete = false;
        foreach (var claim in claims.EnumerateArray())
        {
            if (claim.ValueKind != JsonValueKind.Object
                || !claim.TryGetProperty("typ", out var typElement) || typElement.ValueKind != JsonValueKind.String
                || !claim.TryGetProperty("val", out var valElement))
            {
                return null;
            }

            var typ = typElement.GetString()!;
            if (OverageClaims.Contains(typ, StringComparer.Ordinal))
            {
                groupsIncomplete = true;
                continue;
            }

            if (valElement.ValueKind != JsonValueKind.String)
            {
                // A claim access reads must be text; one it does not read (a number, say) is left alone.
                if (IsRead(typ, nameType))
                {
                    return null;
                }

                continue;
            }

            var val = valElement.GetString()!.Trim();
            switch (typ)
            {
                case ObjectIdClaim or ShortObjectIdClaim:
                    if (!Guid.TryParseExact(val, "D", out var oid) || oid == Guid.Empty || (objectId is { } seen && seen != oid))
                    {
                        return null;
                    }

                    objectId = oid;
                    break;
                case GroupsClaim:
                    if (Guid.TryParseExact(val, "D", out var group))
                    {
                        groups.Add(group);
                    }

                    break;
                case RolesClaim or RoleUriClaim:
                    if (val.Length > 0)
                    {
                        appRoles.Add(val);
                    }

                    break;
                case NameClaim:
                    name ??= DisplayName(val);
                    break;
                default:
                    break;
            }

            if (nameType.Length > 0 && typ == nameType)
            {
                namedByType ??= DisplayName(val);
            }
        }

        return objectId is { } id
            ? new ClientPrincipal(authType, id, name ?? namedByType, groups, appRoles, groupsIncomplete)
            : null;
    }

    private static bool IsRead(string typ, string nameType) =>
        typ is ObjectIdClaim or ShortObjectIdClaim or GroupsClaim or RolesClaim or RoleUriClaim or NameClaim || (nameType.Length > 0 && typ == nameType);

    /// <summary>The string value of a member; empty when absent or null, null when it is there but not a string.</summary>
    private static string? OptionalString(JsonElement element, string member) =>
        !element.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null ? string.Empty
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : null;

    /// <summary>A name to show: none when empty, too long or holding control characters (it ends up in history lines).</summary>
    private static string? DisplayName(string value) =>
        value.Length is > 0 and <= MaxNameLength && !value.Any(char.IsControl) ? value : null;
}
