using System.Globalization;
using System.IO.Compression;
using System.Text;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Xmp;
using Microsoft.Playwright;
using ImageMetadataReader = MetadataExtractor.ImageMetadataReader;

namespace Kalisto.MediaGate.Tests.Pages;

/// <summary>
/// The web app in a real browser against <c>mediagate serve</c> on Azurite (which screens uploads by itself): a teacher
/// uploads photos with the file input and sees their outcomes appear; communications sees the approved one in the
/// gallery and the others in the review list. Every page is checked with axe and at phone width, and photographed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppTests(Browser browser, Azurite azurite) : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mediagate-browser-");

    public void Dispose() => _folder.Delete(recursive: true);

    [SkippableFact]
    public async Task A_teacher_uploads_three_photos_and_sees_their_outcomes_and_communications_sees_them_in_gallery_and_review()
    {
        await using var context = await browser.NewContextAsync();
        StorageAccount.Empty(azurite.ConnectionString);
        await ImportConsentAsync();
        await using var teacher = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "teacher@de-wilg");
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(teacher.Address, "app/de-wilg/upload").ToString());
        await PageChecks.CheckAsync(page, "teacher-upload");
        await page.GetByLabel("Map (bijvoorbeeld sportdag)").FillAsync("sportdag");
        await page.Locator("#files").SetInputFilesAsync(new[] { "xmp-personinimage.jpg", "untagged.jpg", "no-people.jpg" }.Select(Fixture));
        await Assertions.Expect(page.Locator("#queue li.done")).ToHaveCountAsync(3, new() { Timeout = 30_000 });

        await page.GetByRole(AriaRole.Link, new() { Name = "Bekijk wat er met je uploads is gebeurd" }).ClickAsync();
        var decided = page.Locator(".uploads > li.state-approved, .uploads > li.state-quarantined, .uploads > li.state-redacted");
        await Assertions.Expect(decided).ToHaveCountAsync(3, new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("li[data-path='de-wilg/sportdag/xmp-personinimage.jpg'] .outcome")).ToHaveTextAsync("Goedgekeurd");
        await Assertions.Expect(page.Locator("li[data-path='de-wilg/sportdag/untagged.jpg'] .outcome")).ToHaveTextAsync("Niet gepubliceerd");
        await Assertions.Expect(page.Locator("li[data-path='de-wilg/sportdag/untagged.jpg'] .reasons")).ToContainTextAsync("Er is niemand getagd");
        await PageChecks.CheckAsync(page, "teacher-my-uploads");

        await using var communications = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "communications@de-wilg", "--no-pipeline");
        var gallery = await context.NewPageAsync();
        await gallery.GotoAsync(new Uri(communications.Address, "app/de-wilg/gallery?channel=website").ToString());
        await Assertions.Expect(gallery.Locator(".card[data-path='de-wilg/sportdag/xmp-personinimage.jpg']")).ToBeVisibleAsync();
        await Assertions.Expect(gallery.Locator(".card[data-path='de-wilg/sportdag/untagged.jpg']")).ToHaveCountAsync(0);
        await PageChecks.CheckAsync(gallery, "communications-gallery");
        var card = gallery.Locator(".card[data-path='de-wilg/sportdag/xmp-personinimage.jpg']");
        var single = await gallery.RunAndWaitForDownloadAsync(() => card.GetByRole(AriaRole.Link, new() { Name = "Downloaden" }).ClickAsync());
        var photo = await SavedAsync(single);
        Assert.Equal("xmp-personinimage.jpg", single.SuggestedFilename);
        AssertCarriesNoIdentifiers(photo);

        // The day it was decided is today in Amsterdam, or yesterday when the test crossed midnight there.
        var since = new ConsentOptions().Today(DateTimeOffset.UtcNow).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await gallery.GetByLabel("Vanaf").FillAsync(since);
        await gallery.GetByRole(AriaRole.Button, new() { Name = "Tonen" }).ClickAsync();
        await Assertions.Expect(gallery.GetByLabel("Vanaf")).ToHaveValueAsync(since);
        var boxes = gallery.Locator(".card input[type=checkbox]");
        await gallery.GetByRole(AriaRole.Button, new() { Name = "Alles selecteren" }).ClickAsync();
        Assert.True(await boxes.CountAsync() >= 2, "the approved photos of sportdag");
        foreach (var box in await boxes.AllAsync())
        {
            await Assertions.Expect(box).ToBeCheckedAsync();
        }

        foreach (var other in await gallery.Locator(".card:not([data-path='de-wilg/sportdag/xmp-personinimage.jpg']) input[type=checkbox]").AllAsync())
        {
            await other.UncheckAsync();
        }

        await Assertions.Expect(card.GetByRole(AriaRole.Checkbox)).ToBeCheckedAsync();
        await PageChecks.CheckAsync(gallery, "communications-gallery-filtered");
        var selection = await gallery.RunAndWaitForDownloadAsync(() => gallery.GetByRole(AriaRole.Button, new() { Name = "Download selectie (zip)" }).ClickAsync());
        Assert.Matches(@"^de-wilg-website-\d{4}-\d{2}-\d{2}\.zip$", selection.SuggestedFilename);
        using (var zip = new ZipArchive(new MemoryStream(await SavedAsync(selection)), ZipArchiveMode.Read))
        {
            var entry = Assert.Single(zip.Entries);
            Assert.Equal("sportdag/xmp-personinimage.jpg", entry.FullName);
            using var content = new MemoryStream();
            await using (var stream = await entry.OpenAsync())
            {
                await stream.CopyToAsync(content);
            }

            Assert.Equal(photo, content.ToArray());
        }

        await gallery.GotoAsync(new Uri(communications.Address, "app/de-wilg/review").ToString());
        await Assertions.Expect(gallery.Locator("li[data-path='de-wilg/sportdag/untagged.jpg']")).ToBeVisibleAsync();
        await PageChecks.CheckAsync(gallery, "communications-review");
    }

    [SkippableFact]
    public async Task The_privacy_officer_withdraws_a_pupils_consent_after_being_told_what_goes_down_and_the_photo_leaves_the_gallery()
    {
        await using var context = await browser.NewContextAsync();
        StorageAccount.Empty(azurite.ConnectionString);
        await ImportConsentAsync();
        Assert.Equal(0, CommandLineRun.Of("upload", Fixture("xmp-personinimage.jpg"), "--to", "de-wilg/sportdag", "--storage", azurite.ConnectionString).ExitCode);
        Assert.Equal(0, CommandLineRun.Of("screen", "--storage", azurite.ConnectionString).ExitCode);
        await using var privacy = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "privacy@de-wilg");
        var page = await context.NewPageAsync();
        var card = page.Locator(".card[data-path='de-wilg/sportdag/xmp-personinimage.jpg']");
        await page.GotoAsync(new Uri(privacy.Address, "app/de-wilg/gallery?channel=website").ToString());
        await Assertions.Expect(card).ToBeVisibleAsync();
        // A gallery left open in another tab, from before the withdrawal.
        var stale = await context.NewPageAsync();
        await stale.GotoAsync(new Uri(privacy.Address, "app/de-wilg/gallery?channel=website&folder=sportdag").ToString());

        await page.GotoAsync(new Uri(privacy.Address, "app/de-wilg/register?q=bakker").ToString());
        await PageChecks.CheckAsync(page, "privacy-register");
        await page.GetByRole(AriaRole.Link, new() { Name = "LL-1002" }).ClickAsync();
        await Assertions.Expect(page.GetByText("1 gepubliceerd(e) item(s) met deze persoon worden offline gehaald.")).ToBeVisibleAsync();
        await PageChecks.CheckAsync(page, "privacy-subject");
        string? asked = null;
        page.Dialog += async (_, dialog) => { asked = dialog.Message; await dialog.AcceptAsync(); };
        await page.GetByRole(AriaRole.Button, new() { Name = "Toestemming intrekken" }).ClickAsync();
        await Assertions.Expect(page.Locator("dl.record strong")).ToContainTextAsync("Ingetrokken op", new() { Timeout = 15_000 });

        Assert.Equal("De toestemming van Noah Bakker intrekken? 1 gepubliceerd(e) item(s) worden offline gehaald.", asked);
        await page.GotoAsync(new Uri(privacy.Address, "app/de-wilg/gallery?channel=website").ToString());
        for (var attempt = 0; attempt < 30 && await card.CountAsync() > 0; attempt++)
        {
            await Task.Delay(1000);
            await page.ReloadAsync();
        }

        await Assertions.Expect(card).ToHaveCountAsync(0);

        // Its download, clicked in the tab from before, saves nothing and says why on the gallery, filters kept.
        await stale.Locator(".card[data-path='de-wilg/sportdag/xmp-personinimage.jpg']").GetByRole(AriaRole.Link, new() { Name = "Downloaden" }).ClickAsync();
        await Assertions.Expect(stale.GetByRole(AriaRole.Alert)).ToContainTextAsync("Dit item wordt niet (meer) op dit kanaal gepubliceerd, dus het is niet gedownload");
        await Assertions.Expect(stale.GetByLabel("Map", new() { Exact = true })).ToHaveValueAsync("sportdag");
        await Assertions.Expect(stale.Locator(".card[data-path='de-wilg/sportdag/xmp-personinimage.jpg']")).ToHaveCountAsync(0);
    }

    [SkippableFact]
    public async Task The_pages_speak_english_when_asked_and_keep_to_it()
    {
        await using var context = await browser.NewContextAsync("en-US");
        StorageAccount.Empty(azurite.ConnectionString);
        await using var teacher = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "teacher@de-wilg", "--no-pipeline");
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(teacher.Address, "app/de-wilg/upload").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Upload photos and videos");
        await page.GetByRole(AriaRole.Link, new() { Name = "My uploads" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("My uploads");
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
    }

    /// <summary>What the browser saved of a download, byte for byte.</summary>
    private async Task<byte[]> SavedAsync(IDownload download)
    {
        Assert.Null(await download.FailureAsync());
        var path = Path.Combine(_folder.FullName, Guid.NewGuid().ToString("N"));
        await download.SaveAsAsync(path);
        return await File.ReadAllBytesAsync(path);
    }

    /// <summary>
    /// No subject ID or display name of the register in the bytes (UTF-8 and UTF-16), and nothing left that names or
    /// places anyone: no person tag for the tag reader, no XMP, IPTC or GPS for MetadataExtractor.
    /// </summary>
    private static void AssertCarriesNoIdentifiers(byte[] photo)
    {
        foreach (var identifier in new[] { "LL-1001", "LL-1002", "Emma de Vries", "Noah Bakker", "Emma", "Bakker" })
        {
            foreach (var encoding in new[] { Encoding.UTF8, Encoding.Unicode, Encoding.BigEndianUnicode })
            {
                Assert.True(photo.AsSpan().IndexOf(encoding.GetBytes(identifier)) < 0, $"the download holds '{identifier}' ({encoding.WebName})");
            }
        }

        var tags = new TagReader().Read(new MemoryStream(photo), "xmp-personinimage.jpg");
        Assert.Empty(tags.Persons);
        var directories = ImageMetadataReader.ReadMetadata(new MemoryStream(photo));
        Assert.Empty(directories.OfType<XmpDirectory>());
        Assert.Empty(directories.OfType<IptcDirectory>());
        Assert.Empty(directories.OfType<GpsDirectory>());
    }

    private static string Fixture(string name) => CommandLineRun.Data(name);

    /// <summary>The register of de-wilg: Emma de Vries (LL-1001) and LL-1002, whom xmp-personinimage.jpg tags (Data/README.md).</summary>
    private async Task ImportConsentAsync()
    {
        var (from, until) = (DateTime.UtcNow.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), DateTime.UtcNow.AddDays(300).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var csv = Path.Combine(_folder.FullName, "consent.csv");
        await File.WriteAllTextAsync(csv, $"""
            school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence
            de-wilg,LL-1001,pupil,Emma de Vries,website;newsletter,{from},{until},,form-1
            de-wilg,LL-1002,pupil,Noah Bakker,website;newsletter,{from},{until},,form-2

            """);
        Assert.Equal(0, CommandLineRun.Of("consent", "import", csv, "--storage", azurite.ConnectionString).ExitCode);
    }
}
