using Kalisto.MediaGate.Functions.Http;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Functions.Tests.Http;

/// <summary>
/// Who the Functions app takes a request to be from: the App Service Authentication principal, and only when the
/// platform says its authentication is on. A principal header anyone could send is no identity.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class IdentityTests(Azurite azurite)
{
    private const string Emma = """
        {"kind": "pupil", "display_name": "Emma de Vries", "channels": ["website"],
         "valid_from": "2026-08-01", "valid_until": "2027-07-31", "evidence": "form-2026-001"}
        """;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("False")]
    [InlineData("1")]
    public async Task A_principal_header_is_refused_with_401_when_app_service_authentication_is_not_on(string? enabled)
    {
        await using var host = await FunctionsHost.StartAsync(azurite, new Dictionary<string, string?> { ["WEBSITE_AUTH_ENABLED"] = enabled });

        var read = await host.AnswerAsync(host.Function<HttpApi>().GetConsent(host.Request(user: TestUsers.Admin), "de-wilg", "LL-1001", default));
        var write = await host.AnswerAsync(host.Function<HttpApi>().PutConsent(host.Json(Emma, TestUsers.Admin), "de-wilg", "LL-1001", default));

        Assert.Equal((401, "application/problem+json"), (read.Status, read.ContentType));
        Assert.Equal(401, write.Status);
        Assert.Empty(await host.Services.GetRequiredService<TableConsentRegister>().ExportAsync(default));
    }

    [Theory]
    [InlineData("not base64 at all")]
    [InlineData("e30=")] // {}
    [InlineData("eyJjbGFpbXMiOltdfQ==")] // {"claims":[]}: no object ID
    public async Task A_principal_header_that_is_not_one_is_no_user(string header)
    {
        await using var host = await FunctionsHost.StartAsync(azurite);
        var request = host.Request(anonymous: true);
        request.Headers["X-MS-CLIENT-PRINCIPAL"] = header;

        var answer = await host.AnswerAsync(host.Function<HttpApi>().Me(request));

        Assert.Equal(401, answer.Status);
    }

    [Fact]
    public async Task The_old_name_header_alone_is_no_user_and_never_who_changed_it()
    {
        await using var host = await FunctionsHost.StartAsync(azurite);
        var request = host.Json(Emma);
        request.Headers.Remove("X-MS-CLIENT-PRINCIPAL");
        request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"] = "privacy@de-wilg.example";

        var answer = await host.AnswerAsync(host.Function<HttpApi>().PutConsent(request, "de-wilg", "LL-1001", default));

        Assert.Equal(401, answer.Status);
        Assert.Empty(await host.Services.GetRequiredService<TableConsentRegister>().ExportAsync(default));
    }

    [Fact]
    public async Task A_signed_in_user_without_a_grant_is_403_and_me_says_they_have_no_school()
    {
        await using var host = await FunctionsHost.StartAsync(azurite);
        var stranger = new TestUser("Sam Stranger", new Guid("b0000000-0000-4000-8000-000000000001"), [Guid.NewGuid()], ["Some.Other.Role"]);

        var read = await host.AnswerAsync(host.Function<HttpApi>().ListItems(host.Query("?state=approved", stranger), "de-wilg", default));
        var me = await host.AnswerAsync(host.Function<HttpApi>().Me(host.Request(user: stranger)));

        Assert.Equal((403, "application/problem+json"), (read.Status, read.ContentType));
        Assert.Equal(200, me.Status);
        Assert.Equal("b0000000-0000-4000-8000-000000000001", me.Json().GetProperty("user_id").GetString());
        Assert.Empty(me.Json().GetProperty("schools").EnumerateArray());
    }

    [Fact]
    public async Task A_grant_that_is_not_valid_stops_the_app_at_start_naming_its_key()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => FunctionsHost.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["MediaGate:Access:Grants:1:Role"] = "janitor",
        }));

        Assert.Contains("MediaGate:Access:Grants:1", failure.Message, StringComparison.Ordinal);
    }
}
