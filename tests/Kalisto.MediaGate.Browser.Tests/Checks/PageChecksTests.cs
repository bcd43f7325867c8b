using Kalisto.MediaGate.Tests.Support;
using Xunit.Sdk;

namespace Kalisto.MediaGate.Tests.Checks;

/// <summary>The page checks themselves fail on the faults they are there to catch.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageChecksTests(Browser browser)
{
    [SkippableFact]
    public async Task An_image_without_a_text_alternative_and_faint_text_fail_the_accessibility_check_with_rule_and_target()
    {
        await using var context = await browser.NewContextAsync("en-US");
        var page = await context.NewPageAsync();
        await page.SetContentAsync("""
            <!DOCTYPE html><html lang="en"><head><title>Faults</title></head><body><main>
            <h1>Faults</h1><img id="photo" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
            <p id="faint" style="color:#d0d0d0;background:#ffffff">Hardly readable</p>
            </main></body></html>
            """);

        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => PageChecks.AssertAccessibleAsync(page, "the faulty page"));

        Assert.Contains("the faulty page", failure.Message, StringComparison.Ordinal);
        Assert.Contains("image-alt (critical)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("#photo", failure.Message, StringComparison.Ordinal);
        Assert.Contains("color-contrast (serious)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("#faint", failure.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_page_wider_than_a_phone_fails_the_phone_width_check_and_the_viewport_is_put_back()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SetContentAsync("""
            <!DOCTYPE html><html lang="nl"><head><title>Breed</title></head><body><main><div style="width:600px">Breed</div></main></body></html>
            """);

        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => PageChecks.AssertFitsPhoneWidthAsync(page, "the wide page"));

        Assert.Contains("the wide page scrolls sideways at 390 px", failure.Message, StringComparison.Ordinal);
        Assert.Equal((Browser.Width, Browser.Height), (page.ViewportSize!.Width, page.ViewportSize.Height));
    }
}
