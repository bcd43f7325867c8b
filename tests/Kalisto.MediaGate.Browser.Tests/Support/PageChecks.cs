using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>What every page must pass: axe's serious and critical rules, a phone's width, and its screenshots.</summary>
public static class PageChecks
{
    /// <summary>The narrowest width a page is checked at: a common phone.</summary>
    public const int PhoneWidth = 390;

    private const int PhoneHeight = 844;

    private static readonly string[] FailingImpacts = ["serious", "critical"];

    /// <summary>Every check of a page as it is now, then its screenshots as <paramref name="name"/>.</summary>
    public static async Task CheckAsync(IPage page, string name)
    {
        await AssertAccessibleAsync(page, name);
        await AssertFitsPhoneWidthAsync(page, name);
        await ScreenshotsAsync(page, name);
    }

    /// <summary>Runs axe on the page as it is; fails on any serious or critical violation, naming each rule, its help and the elements.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var result = await page.RunAxe();
        var violations = result.Violations.Where(v => FailingImpacts.Contains(v.Impact, StringComparer.OrdinalIgnoreCase)).ToList();
        if (violations.Count == 0)
        {
            return;
        }

        var report = new StringBuilder($"{name}: axe found {violations.Count} serious or critical violation(s):");
        foreach (var violation in violations)
        {
            report.AppendLine().Append($"- {violation.Id} ({violation.Impact}): {violation.Help} {violation.HelpUrl}");
            foreach (var node in violation.Nodes)
            {
                report.AppendLine().Append($"    {node.Target}");
            }
        }

        Assert.Fail(report.ToString());
    }

    /// <summary>Fails when the page, at <see cref="PhoneWidth"/> px wide, scrolls sideways; the viewport is put back after.</summary>
    public static async Task AssertFitsPhoneWidthAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var before = page.ViewportSize;
        await page.SetViewportSizeAsync(PhoneWidth, PhoneHeight);
        try
        {
            var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= PhoneWidth, $"{name} scrolls sideways at {PhoneWidth} px: it is {scrollWidth} px wide.");
        }
        finally
        {
            await RestoreAsync(page, before);
        }
    }

    /// <summary>
    /// Saves full-page PNGs of the page at 1280 and 390 px wide as <c>&lt;name&gt;-1280.png</c> and <c>&lt;name&gt;-390.png</c>
    /// in <see cref="ScreenshotFolder"/>; the viewport is put back after. Returns the two paths.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ScreenshotsAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var folder = ScreenshotFolder();
        Directory.CreateDirectory(folder);
        var before = page.ViewportSize;
        var paths = new List<string>();
        try
        {
            foreach (var (width, height) in new[] { (Browser.Width, Browser.Height), (PhoneWidth, PhoneHeight) })
            {
                await page.SetViewportSizeAsync(width, height);
                var path = Path.Combine(folder, $"{name}-{width}.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Type = ScreenshotType.Png });
                paths.Add(path);
            }
        }
        finally
        {
            await RestoreAsync(page, before);
        }

        return paths;
    }

    /// <summary><c>$MEDIAGATE_SCREENSHOTS</c> when set (for example <c>docs/screenshots</c>), else <c>TestResults/screenshots</c> in the test output.</summary>
    public static string ScreenshotFolder() =>
        Environment.GetEnvironmentVariable("MEDIAGATE_SCREENSHOTS") is { Length: > 0 } folder
            ? Path.GetFullPath(folder)
            : Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    private static Task RestoreAsync(IPage page, PageViewportSizeResult? before) =>
        page.SetViewportSizeAsync(before?.Width ?? Browser.Width, before?.Height ?? Browser.Height);
}
