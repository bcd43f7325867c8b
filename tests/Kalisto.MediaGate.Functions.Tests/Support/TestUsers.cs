using System.Text;
using System.Text.Json;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>
/// A signed-in person as App Service Authentication passes them to the app: the <c>X-MS-CLIENT-PRINCIPAL</c> header
/// of an Entra user with an object ID, a name, groups and app roles.
/// </summary>
internal sealed record TestUser(string Name, Guid ObjectId, IReadOnlyList<Guid> Groups, IReadOnlyList<string> AppRoles)
{
    /// <summary>The header value App Service Authentication would send for this user.</summary>
    public string Header()
    {
        var claims = new List<object> { new { typ = "http://schemas.microsoft.com/identity/claims/objectidentifier", val = ObjectId.ToString("D") }, new { typ = "name", val = Name } };
        claims.AddRange(Groups.Select(g => new { typ = "groups", val = g.ToString("D") }));
        claims.AddRange(AppRoles.Select(r => new { typ = "roles", val = r }));
        var json = JsonSerializer.Serialize(new { auth_typ = "aad", claims, name_typ = "name", role_typ = "roles" });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>The history's "changed by" of this user.</summary>
    public string ChangedBy => $"{Name} ({ObjectId:D})";
}

/// <summary>
/// The users of the tests and the grants <see cref="FunctionsHost"/> configures for them (<c>MediaGate:Access</c>):
/// an admin by app role, and a teacher, a communications officer and a privacy officer of de-wilg by group.
/// </summary>
internal static class TestUsers
{
    public static readonly Guid TeacherGroup = new("11111111-1111-4111-8111-111111111111");
    public static readonly Guid CommunicationsGroup = new("22222222-2222-4222-8222-222222222222");
    public static readonly Guid PrivacyGroup = new("33333333-3333-4333-8333-333333333333");
    public const string AdminAppRole = "MediaGate.Admin";

    public static readonly TestUser Admin = new("Ada Admin", new Guid("a0000000-0000-4000-8000-00000000000a"), [], [AdminAppRole]);
    public static readonly TestUser Teacher = new("Tom Teacher", new Guid("a0000000-0000-4000-8000-000000000001"), [TeacherGroup], []);
    public static readonly TestUser Communications = new("Cora Communications", new Guid("a0000000-0000-4000-8000-000000000002"), [CommunicationsGroup], []);
    public static readonly TestUser Privacy = new("Pim Privacy", new Guid("a0000000-0000-4000-8000-000000000003"), [PrivacyGroup], []);

    /// <summary>The configuration of those grants, with App Service Authentication on.</summary>
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["WEBSITE_AUTH_ENABLED"] = "True",
        ["MediaGate:Access:Grants:0:AppRole"] = AdminAppRole,
        ["MediaGate:Access:Grants:0:Role"] = "admin",
        ["MediaGate:Access:Grants:0:Schools:0"] = "*",
        ["MediaGate:Access:Grants:1:Group"] = TeacherGroup.ToString("D"),
        ["MediaGate:Access:Grants:1:Role"] = "teacher",
        ["MediaGate:Access:Grants:1:Schools:0"] = "de-wilg",
        ["MediaGate:Access:Grants:2:Group"] = CommunicationsGroup.ToString("D"),
        ["MediaGate:Access:Grants:2:Role"] = "communications",
        ["MediaGate:Access:Grants:2:Schools:0"] = "de-wilg",
        ["MediaGate:Access:Grants:3:Group"] = PrivacyGroup.ToString("D"),
        ["MediaGate:Access:Grants:3:Role"] = "privacy",
        ["MediaGate:Access:Grants:3:Schools:0"] = "de-wilg",
    };
}
