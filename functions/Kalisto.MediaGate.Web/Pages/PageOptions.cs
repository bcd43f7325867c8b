namespace Kalisto.MediaGate.Web.Pages;

/// <summary>How the pages send someone without a session to sign in; the host sets it.</summary>
public sealed class PageOptions
{
    /// <summary>App Service Authentication's sign-in with Entra ID; <c>{0}</c> is the page to come back to (escaped).</summary>
    public const string AppServiceSignIn = "/.auth/login/aad?post_login_redirect_uri={0}";

    /// <summary>The sign-in address, with <c>{0}</c> for the page to come back to.</summary>
    public string SignInPath { get; set; } = AppServiceSignIn;

    /// <summary>Where signing out goes (App Service Authentication and the development sign-in both have it).</summary>
    public string SignOutPath { get; set; } = "/.auth/logout";
}
