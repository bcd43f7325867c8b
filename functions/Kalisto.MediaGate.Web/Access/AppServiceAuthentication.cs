using System.Text.Encodings.Web;
using Kalisto.MediaGate.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Web.Access;

/// <summary>The scheme of App Service Authentication (Easy Auth) in front of the Functions app.</summary>
public static class AppServiceAuthenticationDefaults
{
    public const string Scheme = "AppServiceAuthentication";

    /// <summary>The app setting App Service sets to <c>True</c> when its authentication is on (and only then strips a client's principal header).</summary>
    public const string EnabledSetting = "WEBSITE_AUTH_ENABLED";
}

/// <summary>
/// Signs in the caller App Service Authentication signed in, from its <c>X-MS-CLIENT-PRINCIPAL</c> header
/// (<see cref="ClientPrincipal"/>). The header is trusted only when the platform says its authentication is on
/// (<see cref="AppServiceAuthenticationDefaults.EnabledSetting"/>): without it anyone could send the header, so
/// it is then ignored and the request has no user (401). A header that is not a principal fails the sign-in.
/// </summary>
public sealed partial class AppServiceAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IConfiguration configuration)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Whether the platform's authentication is on, as the setting says (<c>True</c>, any case).</summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        string.Equals(configuration?[AppServiceAuthenticationDefaults.EnabledSetting]?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers[ClientPrincipal.HeaderName].ToString();
        if (!IsEnabled(configuration))
        {
            if (header.Length > 0)
            {
                LogHeaderIgnored(Logger, AppServiceAuthenticationDefaults.EnabledSetting);
            }

            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (header.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (ClientPrincipal.Parse(header) is not { } principal)
        {
            LogUnreadable(Logger);
            return Task.FromResult(AuthenticateResult.Fail("The client principal header is not one App Service Authentication writes."));
        }

        if (principal.GroupsIncomplete)
        {
            LogGroupOverage(Logger);
        }

        var identity = Callers.Identity(principal, Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new System.Security.Claims.ClaimsPrincipal(identity), Scheme.Name)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A client principal header was ignored: App Service Authentication is not on ({Setting} is not True)")]
    private static partial void LogHeaderIgnored(ILogger logger, string setting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A client principal header could not be read; the request has no user")]
    private static partial void LogUnreadable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "A caller is in more groups than the token lists; only app-role grants apply")]
    private static partial void LogGroupOverage(ILogger logger);
}
