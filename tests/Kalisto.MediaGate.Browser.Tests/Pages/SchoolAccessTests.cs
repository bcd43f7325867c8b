using Kalisto.MediaGate.Tests.Support;
using Microsoft.Playwright;

namespace Kalisto.MediaGate.Tests.Pages;

/// <summary>
/// Which school's pages a person reaches, in a real browser: an admin chooses the school; a person of one school
/// reaches none of another school's pages, whatever the role, and is told so in plain words.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SchoolAccessTests(Browser browser, Azurite azurite)
{
    /// <summary>Every page of a school, below <c>/app/{school}/</c>.</summary>
    private static readonly string[] SchoolPages =
    [
        "", "upload", "mine", "mine/list", "gallery", "gallery?channel=website", "review", "register", "register?q=bakker", "register/LL-1001", "register/import", "audit", "audit?from=2026-01-01&to=2026-12-31",
    ];

    [SkippableFact]
    public async Task An_admin_chooses_the_school_and_lands_on_its_first_page()
    {
        await using var context = await browser.NewContextAsync();
        StorageAccount.Empty(azurite.ConnectionString);
        await using var admin = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "admin", "--no-pipeline");
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(admin.Address, "app").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Kies een school");
        Assert.EndsWith("/app/schools", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await PageChecks.CheckAsync(page, "admin-schools");
        await page.GetByLabel("Schoolcode").FillAsync("de-wilg");
        await page.GetByRole(AriaRole.Button, new() { Name = "Openen" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Toestemmingsregister");
        Assert.Equal("/app/de-wilg/register", new Uri(page.Url).AbsolutePath);
    }

    [SkippableFact]
    public async Task No_page_of_another_school_is_reachable_for_any_role_of_one_school()
    {
        await using var context = await browser.NewContextAsync();
        StorageAccount.Empty(azurite.ConnectionString);
        foreach (var role in new[] { "teacher", "communications", "privacy" })
        {
            await using var served = await Served.StartAsync(azurite.ConnectionString, "--dev-user", $"{role}@de-wilg", "--no-pipeline");
            var page = await context.NewPageAsync();
            foreach (var path in SchoolPages)
            {
                var response = await page.GotoAsync(new Uri(served.Address, $"app/het-anker/{path}").ToString());

                Assert.True(response!.Status == 403, $"{role}@de-wilg opened het-anker/{path}: {response.Status}");
                await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Geen toegang");
                await Assertions.Expect(page.GetByText("voor school het-anker niet openen")).ToBeVisibleAsync();
                Assert.DoesNotContain("het-anker", await page.Locator("nav").InnerTextAsync(), StringComparison.Ordinal);
            }

            if (role == "teacher")
            {
                await PageChecks.CheckAsync(page, "not-allowed");
            }

            await page.CloseAsync();
        }
    }
}
