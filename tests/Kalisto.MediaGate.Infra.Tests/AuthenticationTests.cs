using System.Text.Json.Nodes;
using Kalisto.MediaGate.Infra.Tests.Support;

namespace Kalisto.MediaGate.Infra.Tests;

[Collection(BicepBuildCollection.Name)]
public sealed class AuthenticationTests(BicepBuild build)
{
    private const string ClientId = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b";

    private ArmTemplate Api => build.Main.Module("api");

    private JsonObject AuthSettings => Api.OfType("Microsoft.Web/sites/config")
        .Single(config => ArmTemplate.Str(config, "name") == "[format('{0}/{1}', parameters('name'), 'authsettingsV2')]")["properties"]!.AsObject();

    private JsonObject Evaluated => build.EvaluateFunctions(
        "app/access.bicep",
        ["authClientIdProblem"],
        new Dictionary<string, string>
        {
            ["missing"] = "authClientIdProblem('')",
            ["notGuid"] = "authClientIdProblem('mediagate-prod')",
            ["notHex"] = "authClientIdProblem('3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6z')",
            ["valid"] = $"authClientIdProblem('{ClientId}')",
            ["validUpperCase"] = $"authClientIdProblem('{ClientId.ToUpperInvariant()}')",
        });

    [Fact]
    public void Every_page_needs_a_signed_in_user_and_sends_one_without_a_session_to_the_entra_sign_in()
    {
        var settings = AuthSettings;

        Assert.True(settings["platform"]!["enabled"]!.GetValue<bool>());
        Assert.True(settings["globalValidation"]!["requireAuthentication"]!.GetValue<bool>());
        Assert.Equal("RedirectToLoginPage", ArmTemplate.Str(settings, "globalValidation.unauthenticatedClientAction"));
        Assert.Equal("azureactivedirectory", ArmTemplate.Str(settings, "globalValidation.redirectToProvider"));
        Assert.True(settings["httpSettings"]!["requireHttps"]!.GetValue<bool>());
    }

    [Fact]
    public void Only_the_api_which_answers_401_itself_and_the_blob_extension_webhook_are_left_to_the_app()
    {
        // An excluded path takes anonymous requests: the pages must never be one. The API is, because the app
        // answers 401 there itself (ApiAccess; the Functions and CLI tests hold it to that) instead of a redirect.
        Assert.Equal(["/api/*", "/runtime/webhooks/blobs"], ArmTemplate.Strings(AuthSettings["globalValidation"]!["excludedPaths"]));
    }

    [Fact]
    public void Entra_ID_tokens_of_this_tenant_and_this_registration_are_accepted()
    {
        var provider = AuthSettings["identityProviders"]!["azureActiveDirectory"]!;

        Assert.True(provider["enabled"]!.GetValue<bool>());
        Assert.Equal("[format('{0}{1}/v2.0', environment().authentication.loginEndpoint, tenant().tenantId)]",
            ArmTemplate.Str(provider, "registration.openIdIssuer"));
        Assert.Equal("[parameters('authClientId')]", ArmTemplate.Str(provider, "registration.clientId"));
        Assert.Equal(["[parameters('authAudience')]", "[parameters('authClientId')]"],
            ArmTemplate.Strings(provider["validation"]!["allowedAudiences"]));
        Assert.Null(provider["isAutoProvisioned"]);
    }

    [Fact]
    public void Audience_is_the_application_id_uri_of_the_environment()
    {
        Assert.Equal("[format('api://mediagate-{0}', parameters('environmentName'))]", ArmTemplate.Str(build.Main.Variables, "authAudience"));
        Assert.Equal("[variables('authAudience')]", Api.PassedParameter("authAudience"));
        Assert.Equal("[variables('authAudience')]", ArmTemplate.Str(build.Main.Outputs, "AZURE_AUTH_AUDIENCE.value"));
    }

    [Fact]
    public void Client_id_is_required_and_the_deployment_refuses_to_go_on_without_one()
    {
        var main = build.Main;

        Assert.Null(main.Root["parameters"]!["authClientId"]!["defaultValue"]);
        Assert.Equal("[__bicep.authClientIdProblem(parameters('authClientId'))]", ArmTemplate.Str(main.Variables, "authProblem"));
        Assert.Equal(
            "[if(empty(variables('authProblem')), createObject('value', parameters('authClientId')), createObject('value', fail(variables('authProblem'))))]",
            main.Module("api").PassedParameterEntry("authClientId"));
    }

    [Fact]
    public void A_missing_or_malformed_client_id_is_refused_with_what_to_set()
    {
        var evaluated = Evaluated;

        Assert.Contains("azd env set AZURE_AUTH_CLIENT_ID", evaluated["missing"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("GUID", evaluated["notGuid"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("GUID", evaluated["notHex"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("", evaluated["valid"]!.GetValue<string>());
        Assert.Equal("", evaluated["validUpperCase"]!.GetValue<string>());
    }

    [Fact]
    public void No_secret_and_no_token_store_are_configured()
    {
        var settings = AuthSettings;
        var registration = settings["identityProviders"]!["azureActiveDirectory"]!["registration"]!.AsObject();

        Assert.Equal(["openIdIssuer", "clientId"], registration.Select(pair => pair.Key));
        Assert.False(settings["login"]!["tokenStore"]!["enabled"]!.GetValue<bool>());
        Assert.Null(settings["login"]!["tokenStore"]!["azureBlobStorage"]);
        Assert.DoesNotContain("clientSecret", build.Json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("sasUrl", build.Json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("MICROSOFT_PROVIDER_AUTHENTICATION_SECRET", build.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_platform_not_the_template_says_that_authentication_is_on()
    {
        // WEBSITE_AUTH_ENABLED is injected read-only by App Service when authsettingsV2 is enabled; a value
        // written by the template would claim it whatever authsettingsV2 says.
        Assert.DoesNotContain("WEBSITE_AUTH_", build.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void Azd_passes_the_client_id_from_its_environment()
    {
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepBuild.InfraDirectory, "main.parameters.json")))!["parameters"]!;

        Assert.Equal("${AZURE_AUTH_CLIENT_ID=}", ArmTemplate.Str(parameters, "authClientId.value"));
    }
}
