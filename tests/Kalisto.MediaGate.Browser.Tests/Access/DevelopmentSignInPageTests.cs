using System.Text.Json;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Playwright;

namespace Kalisto.MediaGate.Tests.Access;

/// <summary>The development sign-in page of <c>mediagate serve</c>, in a real browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DevelopmentSignInPageTests(Browser browser, Azurite azurite)
{
    [SkippableFact]
    public async Task The_sign_in_page_is_accessible_fits_a_phone_and_signs_in_the_chosen_role_and_school()
    {
        await using var context = await browser.NewContextAsync();
        StorageAccount.Empty(azurite.ConnectionString);
        await using var serve = await Served.StartAsync(azurite.ConnectionString);
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(serve.Address, ".auth/login/dev?returnUrl=/api/me").ToString());
        await PageChecks.AssertAccessibleAsync(page, "the development sign-in page");
        await PageChecks.AssertFitsPhoneWidthAsync(page, "the development sign-in page");
        var screenshots = await PageChecks.ScreenshotsAsync(page, "dev-sign-in");
        var me = await SignInAsync(page, "privacy", "de-wilg");

        Assert.All(screenshots, path => Assert.True(new FileInfo(path).Length > 0, path));
        Assert.Equal(new Uri(serve.Address, "api/me"), new Uri(page.Url));
        Assert.Equal(200, me.Status);
        using var json = JsonDocument.Parse(await me.TextAsync());
        Assert.Equal("dev-privacy-de-wilg", json.RootElement.GetProperty("user_id").GetString());
        var school = Assert.Single(json.RootElement.GetProperty("schools").EnumerateArray());
        Assert.Equal("de-wilg", school.GetProperty("school").GetString());
        Assert.Equal(["privacy"], school.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [SkippableFact]
    public async Task Signed_in_for_one_school_the_consent_register_of_another_school_is_403()
    {
        await using var context = await browser.NewContextAsync();
        StorageAccount.Empty(azurite.ConnectionString);
        await using var serve = await Served.StartAsync(azurite.ConnectionString);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(serve.Address, ".auth/login/dev?returnUrl=/api/me").ToString());
        await SignInAsync(page, "privacy", "de-wilg");

        var own = await page.GotoAsync(new Uri(serve.Address, "api/schools/de-wilg/consent").ToString());
        var other = await page.GotoAsync(new Uri(serve.Address, "api/schools/het-anker/consent").ToString());

        Assert.Equal(200, own!.Status);
        Assert.Equal(403, other!.Status);
    }

    /// <summary>Fills in the open sign-in page as a person does and submits it; the answer of the page it lands on.</summary>
    private static async Task<IResponse> SignInAsync(IPage page, string role, string school)
    {
        await page.GetByLabel("Role").SelectOptionAsync(role);
        await page.GetByLabel("School").FillAsync(school);
        // The form posts, the sign-in redirects: the answer wanted is the navigation's last, off the sign-in path.
        return await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync(),
            response => response.Request.IsNavigationRequest && !response.Url.Contains("/.auth/", StringComparison.Ordinal));
    }
}
