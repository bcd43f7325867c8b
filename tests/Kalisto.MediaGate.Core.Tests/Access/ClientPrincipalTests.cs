using System.Text;
using System.Text.Json;
using Kalisto.MediaGate.Access;

namespace Kalisto.MediaGate.Core.Tests.Access;

public sealed class ClientPrincipalTests
{
    private const string ObjectId = "c1a7e3d9-5b2f-4a68-9e0d-7f3b1c5a9e24";
    private const string TeachersDeWilg = "3f2b8c1e-7d4a-4e29-9b1f-6c0a5d8e2f47";
    private const string PrivacyOfficers = "a9d04e6b-12c3-4f58-8e7a-0b9c1d2e3f40";
    private const string NameType = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";
    private const string RoleType = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";

    /// <summary>
    /// A header as App Service Authentication writes it for an Entra ID user (v2 token, in two groups, with one
    /// app role): the claims of the token in their order, <c>name_typ</c> and <c>role_typ</c> as the platform sets them.
    /// </summary>
    private const string EntraHeader =
        "eyJhdXRoX3R5cCI6ImFhZCIsImNsYWltcyI6W3sidHlwIjoiYXVkIiwidmFsIjoiNmYxYzhlNTItM2IwYS00ZjdlLTlkMmMtMWE1YjdjOWUwZD" +
        "ExIn0seyJ0eXAiOiJpc3MiLCJ2YWwiOiJodHRwczovL2xvZ2luLm1pY3Jvc29mdG9ubGluZS5jb20vMGI2ZDNmMmUtOGE0MS00Yzc3LWIwZTkt" +
        "NWQyZjFhM2M0YjY3L3YyLjAifSx7InR5cCI6ImlhdCIsInZhbCI6IjE3NjQ1OTAwMDAifSx7InR5cCI6Im5iZiIsInZhbCI6IjE3NjQ1OTAwMD" +
        "AifSx7InR5cCI6ImV4cCIsInZhbCI6IjE3NjQ1OTM5MDAifSx7InR5cCI6ImFpbyIsInZhbCI6IkFXUUFtLzhhQUFBQSJ9LHsidHlwIjoiZ3Jv" +
        "dXBzIiwidmFsIjoiM2YyYjhjMWUtN2Q0YS00ZTI5LTliMWYtNmMwYTVkOGUyZjQ3In0seyJ0eXAiOiJncm91cHMiLCJ2YWwiOiJhOWQwNGU2Yi" +
        "0xMmMzLTRmNTgtOGU3YS0wYjljMWQyZTNmNDAifSx7InR5cCI6Im5hbWUiLCJ2YWwiOiJBbm5hIGRlIFZyaWVzIn0seyJ0eXAiOiJodHRwOi8v" +
        "c2NoZW1hcy5taWNyb3NvZnQuY29tL2lkZW50aXR5L2NsYWltcy9vYmplY3RpZGVudGlmaWVyIiwidmFsIjoiYzFhN2UzZDktNWIyZi00YTY4LT" +
        "llMGQtN2YzYjFjNWE5ZTI0In0seyJ0eXAiOiJwcmVmZXJyZWRfdXNlcm5hbWUiLCJ2YWwiOiJhLmRldnJpZXNAa2FsaXN0by5ubCJ9LHsidHlw" +
        "IjoicmgiLCJ2YWwiOiIwLkFRNEEuLi4ifSx7InR5cCI6InJvbGVzIiwidmFsIjoiTWVkaWFHYXRlLkNvbW11bmljYXRpb25zIn0seyJ0eXAiOi" +
        "JodHRwOi8vc2NoZW1hcy54bWxzb2FwLm9yZy93cy8yMDA1LzA1L2lkZW50aXR5L2NsYWltcy9uYW1laWRlbnRpZmllciIsInZhbCI6IlhrM3I5" +
        "dlFwTDJtTjh0WTF3WjVhQjdjRDBlRjRnSDZpSiJ9LHsidHlwIjoiaHR0cDovL3NjaGVtYXMubWljcm9zb2Z0LmNvbS9pZGVudGl0eS9jbGFpbX" +
        "MvdGVuYW50aWQiLCJ2YWwiOiIwYjZkM2YyZS04YTQxLTRjNzctYjBlOS01ZDJmMWEzYzRiNjcifSx7InR5cCI6InV0aSIsInZhbCI6InExdzJl" +
        "M3I0dDV5NiJ9LHsidHlwIjoidmVyIiwidmFsIjoiMi4wIn1dLCJuYW1lX3R5cCI6Imh0dHA6Ly9zY2hlbWFzLnhtbHNvYXAub3JnL3dzLzIwMD" +
        "UvMDUvaWRlbnRpdHkvY2xhaW1zL2VtYWlsYWRkcmVzcyIsInJvbGVfdHlwIjoiaHR0cDovL3NjaGVtYXMubWljcm9zb2Z0LmNvbS93cy8yMDA4" +
        "LzA2L2lkZW50aXR5L2NsYWltcy9yb2xlIn0=";

    private static string Base64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));

    /// <summary>A header of the platform's shape with these claims.</summary>
    private static string Header(params (string Typ, string Val)[] claims) => Base64(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["auth_typ"] = "aad",
        ["claims"] = claims.Select(c => new Dictionary<string, string> { ["typ"] = c.Typ, ["val"] = c.Val }).ToList(),
        ["name_typ"] = NameType,
        ["role_typ"] = RoleType,
    }));

    private static (string, string) Oid(string value = ObjectId) => (ClientPrincipal.ObjectIdClaim, value);

    [Fact]
    public void The_header_of_an_Entra_user_gives_their_object_id_name_groups_and_app_roles()
    {
        var principal = ClientPrincipal.Parse(EntraHeader);

        Assert.NotNull(principal);
        Assert.Equal("aad", principal.AuthType);
        Assert.Equal(Guid.Parse(ObjectId), principal.ObjectId);
        Assert.Equal("Anna de Vries", principal.Name);
        Assert.Equal([Guid.Parse(TeachersDeWilg), Guid.Parse(PrivacyOfficers)], principal.Groups.Order());
        Assert.Equal(["MediaGate.Communications"], principal.AppRoles);
        Assert.False(principal.GroupsIncomplete);
    }

    [Fact]
    public void The_caller_of_the_header_has_the_grants_of_its_groups_and_app_roles()
    {
        var options = new AccessOptions
        {
            Grants =
            [
                new AccessGrant { Group = TeachersDeWilg, Role = "teacher", Schools = ["de-wilg"] },
                new AccessGrant { AppRole = "MediaGate.Communications", Role = "communications", Schools = ["het-anker"] },
                new AccessGrant { AppRole = "MediaGate.Admin", Role = "admin", Schools = ["*"] },
            ],
        };

        var caller = MediaGateCaller.FromClientPrincipalHeader(EntraHeader, options);

        Assert.NotNull(caller);
        Assert.Equal(ObjectId, caller.UserId);
        Assert.Equal("Anna de Vries", caller.DisplayName);
        Assert.Equal([new SchoolRole(Role.Teacher, "de-wilg"), new SchoolRole(Role.Communications, "het-anker")], caller.Grants.OrderBy(g => g.Role));
        Assert.Equal(AccessDecision.Allowed, AccessCheck.Decide(caller, "de-wilg", Permission.UploadMedia));
        Assert.Equal(AccessDecision.Forbidden, AccessCheck.Decide(caller, "de-wilg", Permission.ReadItems));
        Assert.Equal(AccessDecision.Allowed, AccessCheck.Decide(caller, "het-anker", Permission.ReadItems));
        Assert.Equal(AccessDecision.Forbidden, AccessCheck.Decide(caller, "het-anker", Permission.ReadRegister));
    }

    [Fact]
    public void A_signed_in_user_whom_no_grant_names_is_a_caller_who_may_nothing()
    {
        var caller = MediaGateCaller.FromClientPrincipalHeader(EntraHeader, new AccessOptions());

        Assert.NotNull(caller);
        Assert.Empty(caller.Grants);
        Assert.Equal(AccessDecision.Forbidden, AccessCheck.Decide(caller, "de-wilg", Permission.ReadOwnUploads));
    }

    [Fact]
    public void The_object_id_is_kept_in_lower_case_and_the_short_claim_is_read_too()
    {
        var principal = ClientPrincipal.Parse(Header(("oid", ObjectId.ToUpperInvariant())));

        Assert.Equal(Guid.Parse(ObjectId), principal?.ObjectId);
        Assert.Equal(ObjectId, MediaGateCaller.From(principal!, new AccessOptions()).UserId);
        Assert.NotNull(ClientPrincipal.Parse(Header(Oid(), ("oid", ObjectId))));
    }

    [Theory]
    [InlineData("roles")]
    [InlineData(RoleType)]
    public void App_roles_are_read_from_both_role_claim_types(string typ)
    {
        var principal = ClientPrincipal.Parse(Header(Oid(), (typ, "MediaGate.Privacy"), (typ, "MediaGate.Teacher")));

        Assert.Equal(["MediaGate.Privacy", "MediaGate.Teacher"], principal!.AppRoles.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Without_a_name_claim_the_name_is_the_claim_name_typ_names()
    {
        Assert.Equal("a.devries@kalisto.nl", ClientPrincipal.Parse(Header(Oid(), (NameType, "a.devries@kalisto.nl")))!.Name);
        Assert.Equal("Anna", ClientPrincipal.Parse(Header((NameType, "a.devries@kalisto.nl"), Oid(), ("name", "Anna")))!.Name);
        Assert.Null(ClientPrincipal.Parse(Header(Oid()))!.Name);
    }

    [Theory]
    [InlineData("Anna\nde Vries")]
    [InlineData("Anna\u0000")]
    [InlineData("")]
    public void A_name_with_control_characters_or_none_is_no_name(string name)
    {
        Assert.Null(ClientPrincipal.Parse(Header(Oid(), ("name", name)))!.Name);
    }

    [Fact]
    public void A_name_longer_than_a_name_is_no_name()
    {
        Assert.Null(ClientPrincipal.Parse(Header(Oid(), ("name", new string('a', 257))))!.Name);
        Assert.NotNull(ClientPrincipal.Parse(Header(Oid(), ("name", new string('a', 256))))!.Name);
    }

    [Fact]
    public void Group_claims_that_are_no_object_id_are_left_out()
    {
        var principal = ClientPrincipal.Parse(Header(Oid(), ("groups", "Teachers De Wilg"), ("groups", TeachersDeWilg), ("groups", "")));

        Assert.Equal([Guid.Parse(TeachersDeWilg)], principal!.Groups);
    }

    [Theory]
    [InlineData("hasgroups")]
    [InlineData("_claim_names")]
    [InlineData("_claim_sources")]
    public void A_user_in_too_many_groups_is_marked_as_having_incomplete_groups(string overage)
    {
        var principal = ClientPrincipal.Parse(Header(Oid(), (overage, "true"), ("roles", "MediaGate.Teacher")));

        Assert.True(principal!.GroupsIncomplete);
        Assert.Empty(principal.Groups);
        Assert.Equal(["MediaGate.Teacher"], principal.AppRoles);
    }

    [Fact]
    public void Without_an_object_id_there_is_no_caller()
    {
        var header = Header(("name", "Anna de Vries"), ("groups", TeachersDeWilg), ("roles", "MediaGate.Admin"));

        Assert.Null(ClientPrincipal.Parse(header));
        Assert.Null(MediaGateCaller.FromClientPrincipalHeader(header, new AccessOptions()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("anna")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("{c1a7e3d9-5b2f-4a68-9e0d-7f3b1c5a9e24}")]
    [InlineData("c1a7e3d95b2f4a689e0d7f3b1c5a9e24")]
    public void An_object_id_that_is_no_guid_is_no_caller(string oid)
    {
        Assert.Null(ClientPrincipal.Parse(Header(Oid(oid))));
    }

    [Fact]
    public void Two_different_object_ids_are_no_caller()
    {
        Assert.Null(ClientPrincipal.Parse(Header(Oid(), ("oid", TeachersDeWilg))));
        Assert.Null(ClientPrincipal.Parse(Header(Oid(), Oid(PrivacyOfficers))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not base64 at all!")]
    [InlineData("eyJhdXRoX3R5cCI6ImFhZCJ9=====")]
    [InlineData("eyJhdXRoX3R5cCI6ImFhZCJ9\u00e9")]
    [InlineData("Anna de Vries")]
    public void A_value_that_is_no_base64_is_no_caller(string? header)
    {
        Assert.Null(ClientPrincipal.Parse(header));
        Assert.Null(MediaGateCaller.FromClientPrincipalHeader(header, new AccessOptions()));
    }

    [Fact]
    public void Base64url_is_not_what_the_platform_writes_and_is_no_caller()
    {
        var header = Header(Oid(), ("name", "~~~~~~~~~ ?????????"));
        var url = header.Replace('+', '-').Replace('/', '_').TrimEnd('=');

        Assert.NotNull(ClientPrincipal.Parse(header));
        Assert.Contains("+", header, StringComparison.Ordinal);
        Assert.Contains("/", header, StringComparison.Ordinal);
        Assert.Null(ClientPrincipal.Parse(url));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"aad\"")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("{\"auth_typ\":\"aad\"}")]
    [InlineData("{\"auth_typ\":\"aad\",\"claims\":{}}")]
    [InlineData("{\"auth_typ\":\"aad\",\"claims\":\"oid\"}")]
    [InlineData("{\"auth_typ\":42,\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"}]}")]
    [InlineData("{\"auth_typ\":\"aad\",\"name_typ\":[],\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"}]}")]
    [InlineData("{\"auth_typ\":\"aad\",\"role_typ\":{},\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"}]}")]
    [InlineData("{\"auth_typ\":\"aad\",\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"},\"groups\"]}")]
    [InlineData("{\"auth_typ\":\"aad\",\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"},{\"typ\":\"groups\"}]}")]
    [InlineData("{\"auth_typ\":\"aad\",\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"},{\"typ\":\"groups\",\"val\":null}]}")]
    [InlineData("{\"auth_typ\":\"aad\",\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"},{\"typ\":\"roles\",\"val\":[\"MediaGate.Admin\"]}]}")]
    [InlineData("{\"auth_typ\":\"aad\",\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"},{\"typ\":1,\"val\":\"x\"}]}")]
    [InlineData("{\"auth_typ\":\"aad\",\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"}]")]
    [InlineData("{\"auth_typ\":\"aad\",\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"}]} trailing")]
    [InlineData("{\"auth_typ\":\"aad\",\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\",}]}")]
    public void Json_of_another_shape_is_no_caller(string json)
    {
        Assert.Null(ClientPrincipal.Parse(Base64(json)));
    }

    [Fact]
    public void A_claim_access_does_not_read_may_have_a_value_that_is_no_text()
    {
        var json = "{\"auth_typ\":\"aad\",\"claims\":[{\"typ\":\"iat\",\"val\":1764590000},{\"typ\":\"amr\",\"val\":[\"pwd\",\"mfa\"]},"
            + "{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"},{\"typ\":\"roles\",\"val\":\"MediaGate.Teacher\"}]}";

        var principal = ClientPrincipal.Parse(Base64(json));

        Assert.Equal(["MediaGate.Teacher"], principal!.AppRoles);
    }

    [Theory]
    [InlineData("oid")]
    [InlineData(ClientPrincipal.ObjectIdClaim)]
    [InlineData("groups")]
    [InlineData("roles")]
    [InlineData(RoleType)]
    [InlineData("name")]
    [InlineData(NameType)]
    public void A_claim_access_reads_with_a_value_that_is_no_text_is_no_caller(string typ)
    {
        var json = "{\"auth_typ\":\"aad\",\"name_typ\":\"" + NameType + "\",\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"},"
            + "{\"typ\":\"" + typ + "\",\"val\":42}]}";

        Assert.Null(ClientPrincipal.Parse(Base64(json)));
    }

    [Fact]
    public void The_smallest_json_of_the_right_shape_is_a_caller()
    {
        var principal = ClientPrincipal.Parse(Base64("{\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"}]}"));

        Assert.NotNull(principal);
        Assert.Equal(string.Empty, principal.AuthType);
    }

    [Fact]
    public void A_repeated_member_is_no_caller()
    {
        var json = "{\"auth_typ\":\"aad\",\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"}],"
            + "\"claims\":[{\"typ\":\"roles\",\"val\":\"MediaGate.Admin\"},{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"}]}";

        Assert.Null(ClientPrincipal.Parse(Base64(json)));
        Assert.Null(ClientPrincipal.Parse(Base64("{\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\",\"val\":\"" + PrivacyOfficers + "\"}]}")));
    }

    [Fact]
    public void Deeply_nested_json_is_no_caller()
    {
        var json = "{\"auth_typ\":\"aad\",\"extra\":" + new string('[', 64) + new string(']', 64)
            + ",\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"}]}";

        Assert.Null(ClientPrincipal.Parse(Base64(json)));
    }

    [Fact]
    public void Bytes_that_are_no_utf8_are_no_caller()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"},{\"typ\":\"name\",\"val\":\"Anna \"}]}").ToList();
        bytes.Insert(bytes.Count - 5, 0xC3); // a lead byte without its continuation, inside the name

        Assert.Null(ClientPrincipal.Parse(Convert.ToBase64String([.. bytes])));
    }

    [Theory]
    [InlineData("name")]
    [InlineData("groups")]
    [InlineData("aud")]
    public void An_escaped_lone_surrogate_is_no_caller_and_no_crash(string typ)
    {
        var json = "{\"claims\":[{\"typ\":\"oid\",\"val\":\"" + ObjectId + "\"},{\"typ\":\"" + typ + "\",\"val\":\"Anna \\ud800\"}]}";

        Assert.Null(ClientPrincipal.Parse(Base64(json)));
    }

    [Fact]
    public void A_damaged_header_never_throws()
    {
        var bytes = Convert.FromBase64String(EntraHeader);
        var random = new Random(20261201);
        var parsed = 0;
        for (var i = 0; i < 5000; i++)
        {
            var damaged = (byte[])bytes.Clone();
            for (var n = random.Next(1, 4); n > 0; n--)
            {
                damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            }

            var principal = ClientPrincipal.Parse(Convert.ToBase64String(damaged));
            if (principal is not null)
            {
                parsed++;
                Assert.NotEqual(Guid.Empty, principal.ObjectId);
            }
        }

        Assert.InRange(parsed, 1, 4999);
    }

    [Fact]
    public void A_user_in_two_hundred_groups_is_read()
    {
        var groups = Enumerable.Range(0, 200).Select(i => ("groups", new Guid(i, 0, 0, new byte[8]).ToString("D")));
        var header = Header([Oid(), .. groups, ("groups", TeachersDeWilg)]);

        Assert.True(header.Length < ClientPrincipal.MaxHeaderLength);
        Assert.Equal(201, ClientPrincipal.Parse(header)!.Groups.Count);
    }

    [Fact]
    public void A_header_longer_than_the_limit_is_no_caller_even_when_well_formed()
    {
        var padding = new string('x', ClientPrincipal.MaxHeaderLength);
        var header = Header(Oid(), ("padding", padding));

        Assert.True(header.Length > ClientPrincipal.MaxHeaderLength);
        Assert.Null(ClientPrincipal.Parse(header));
        Assert.Null(ClientPrincipal.Parse(new string('A', 10_000_000)));
    }

    [Fact]
    public void A_header_just_within_the_limit_is_read()
    {
        var fixedPart = Header(Oid(), ("padding", string.Empty)).Length;
        var header = Header(Oid(), ("padding", new string('x', ((ClientPrincipal.MaxHeaderLength - fixedPart) / 4 * 3) - 3)));

        Assert.InRange(header.Length, ClientPrincipal.MaxHeaderLength - 8, ClientPrincipal.MaxHeaderLength);
        Assert.NotNull(ClientPrincipal.Parse(header));
    }
}
