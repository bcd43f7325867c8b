using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Tests.Support;
using Kalisto.MediaGate.Web.Access;
using Microsoft.AspNetCore.Http;

namespace Kalisto.MediaGate.Cli.Tests.Commands;

/// <summary>
/// The web app's pages through <c>mediagate serve</c> over HTTP: sign-in first, Dutch by default and English on
/// request, only the caller's own schools and roles, and the teacher's uploads as they are decided.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PagesTests(Azurite azurite)
{
    [Fact]
    public async Task Without_a_session_a_page_sends_the_browser_to_sign_in_and_back()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var serve = await Served.StartAsync(azurite.ConnectionString, "--no-pipeline");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = serve.Address };

        var page = await client.GetAsync("app/de-wilg/upload");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/.auth/login/dev?returnUrl=%2Fapp%2Fde-wilg%2Fupload", page.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_teacher_gets_the_upload_page_in_dutch_or_english_with_only_their_own_menu()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var serve = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "teacher@de-wilg", "--no-pipeline");
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = serve.Address };

        var start = await client.GetAsync("app");
        var dutch = await client.GetStringAsync("app/de-wilg/upload");
        var english = await client.GetStringAsync("app/de-wilg/upload?lang=en");
        var remembered = await client.GetStringAsync("app/de-wilg/mine");

        Assert.Equal("/app/de-wilg", start.Headers.Location!.OriginalString);
        Assert.Contains("<html lang=\"nl\">", dutch, StringComparison.Ordinal);
        Assert.Contains("Foto&#x27;s en video&#x27;s uploaden", dutch, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", english, StringComparison.Ordinal);
        Assert.Contains("Upload photos and videos", english, StringComparison.Ordinal);
        Assert.Contains("You have not uploaded anything yet.", remembered, StringComparison.Ordinal);
        Assert.Contains("/app/de-wilg/mine", dutch, StringComparison.Ordinal);
        Assert.DoesNotContain("/app/de-wilg/register", dutch, StringComparison.Ordinal);
        Assert.DoesNotContain("/app/de-wilg/gallery", dutch, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app/het-anker/upload")]
    [InlineData("app/het-anker/mine")]
    [InlineData("app/het-anker/mine/list")]
    [InlineData("app/het-anker/gallery")]
    [InlineData("app/het-anker/gallery/download?channel=website&key=00000000000000000000000000000000")]
    [InlineData("app/het-anker/review")]
    [InlineData("app/het-anker/register")]
    [InlineData("app/het-anker/register/LL-1001")]
    [InlineData("app/het-anker/register/import")]
    [InlineData("app/het-anker/audit")]
    [InlineData("app/de-wilg/gallery")]
    [InlineData("app/de-wilg/register")]
    [InlineData("app/de-wilg/register/import")]
    [InlineData("app/de-wilg/audit")]
    [InlineData("app/De Wilg!/upload")]
    public async Task No_page_of_another_school_or_role_is_reachable(string path)
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var serve = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "teacher@de-wilg", "--no-pipeline");
        using var client = new HttpClient { BaseAddress = serve.Address };

        var page = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("Geen toegang", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_communications_officer_opens_the_gallery_and_review_but_not_the_teachers_or_privacy_pages()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var serve = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "communications@de-wilg", "--no-pipeline");
        using var client = new HttpClient { BaseAddress = serve.Address };

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("app/de-wilg/upload")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("app/de-wilg/mine")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("app/de-wilg/register")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("app/de-wilg/register/LL-1001")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("app/de-wilg/register/import")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("app/de-wilg/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("app/de-wilg/gallery")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("app/de-wilg/review")).StatusCode);
    }

    [Fact]
    public async Task The_privacy_officer_gets_the_import_and_audit_pages_in_the_menu_and_the_forms_to_add_and_change_a_record()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var serve = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "privacy@de-wilg", "--no-pipeline");
        using var client = new HttpClient { BaseAddress = serve.Address };
        using var put = await client.PutAsync("api/schools/de-wilg/consent/LL-1001", new StringContent(
            """{"kind":"pupil","display_name":"Emma de Vries","channels":["website"],"valid_from":"2026-08-01","valid_until":"2027-07-31","evidence":"form-1"}""",
            Encoding.UTF8,
            "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var import = await client.GetAsync("app/de-wilg/register/import");
        var audit = await client.GetStringAsync("app/de-wilg/audit");
        var register = await client.GetStringAsync("app/de-wilg/register");
        var subject = await client.GetStringAsync("app/de-wilg/register/LL-1001");
        var english = await client.GetStringAsync("app/de-wilg/register/import?lang=en");

        var importPage = await import.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        Assert.Contains("<h1>Register importeren</h1>", importPage, StringComparison.Ordinal); // the literal segment, not a subject "import"
        Assert.Contains("<label for=\"import-file\">CSV-bestand</label>", importPage, StringComparison.Ordinal);
        Assert.Contains("data-api=\"/api/schools/de-wilg/consent/import\"", importPage, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/app/de-wilg/register/import\" aria-current=\"page\">Importeren</a>", importPage, StringComparison.Ordinal);
        Assert.DoesNotContain("<a href=\"/app/de-wilg/register\" aria-current=\"page\">", importPage, StringComparison.Ordinal);
        Assert.Contains("<h1>Import the register</h1>", english, StringComparison.Ordinal);
        Assert.Contains("action=\"/app/de-wilg/audit\"", audit, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/app/de-wilg/audit\" aria-current=\"page\">Auditlog</a>", audit, StringComparison.Ordinal);
        var from = DateOnly.Parse(Value(audit, "audit-from"), System.Globalization.CultureInfo.InvariantCulture);
        var to = DateOnly.Parse(Value(audit, "audit-to"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(29, to.DayNumber - from.DayNumber); // 30 days, today included
        var csv = await client.GetAsync($"app/de-wilg/audit?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"audit-de-wilg-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}.csv", csv.Content.Headers.ContentDisposition!.FileName);
        foreach (var period in new[] { $"from={to:yyyy-MM-dd}&to={from:yyyy-MM-dd}", "from=gisteren&to=", "to=2026-01-01" })
        {
            var refused = await client.GetAsync($"app/de-wilg/audit?{period}&lang=nl");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("role=\"alert\">Deze periode klopt niet", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Contains("href=\"/app/de-wilg/register/import\">Een CSV uit de leerlingadministratie importeren</a>", register, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"add-title\">Nieuwe persoon</h2>", register, StringComparison.Ordinal);
        Assert.Contains("data-version=\"0\"", register, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"edit-title\">Gegevens wijzigen</h2>", subject, StringComparison.Ordinal);
        // The history's moments in the school's time, in words of the page's language.
        Assert.Matches(@"<time datetime=""[0-9T:.-]+Z"">\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) \d{4}, \d{2}:\d{2}</time>", subject);
        Assert.Contains("data-api=\"/api/schools/de-wilg/consent/LL-1001\" data-version=\"1\"", subject, StringComparison.Ordinal);
        Assert.Contains("<input type=\"checkbox\" name=\"channels\" value=\"website\" checked", subject, StringComparison.Ordinal);
        Assert.Contains("<input type=\"checkbox\" name=\"channels\" value=\"newsletter\" />", subject, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("app/assets/consent.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("app/assets/import.js")).StatusCode);
    }

    [Fact]
    public async Task A_communications_officer_sees_no_import_or_audit_in_the_menu()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var serve = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "communications@de-wilg", "--no-pipeline");
        using var client = new HttpClient { BaseAddress = serve.Address };

        var gallery = await client.GetStringAsync("app/de-wilg/gallery");

        Assert.DoesNotContain("/app/de-wilg/register/import", gallery, StringComparison.Ordinal);
        Assert.DoesNotContain("/app/de-wilg/audit", gallery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gallery_shows_an_item_from_the_day_it_was_decided_hides_it_outside_the_days_asked_and_says_when_a_date_is_none()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await PublishSportdagPhotoAsync();
        await using var serve = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "communications@de-wilg", "--no-pipeline");
        using var client = new HttpClient { BaseAddress = serve.Address };
        using var listed = JsonDocument.Parse(await client.GetStringAsync("api/schools/de-wilg/items?state=approved&channel=website"));
        var decidedAt = DateTimeOffset.Parse(listed.RootElement.GetProperty("items")[0].GetProperty("decided_at").GetString()!, CultureInfo.InvariantCulture);
        var day = new ConsentOptions().Today(decidedAt); // the day in the school's time zone (Europe/Amsterdam)
        const string Card = "data-path=\"de-wilg/sportdag/xmp-personinimage.jpg\"";

        async Task<string> GalleryAsync(string query)
        {
            var page = await client.GetAsync("app/de-wilg/gallery?channel=website" + query);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            return await page.Content.ReadAsStringAsync();
        }

        Assert.Contains(Card, await GalleryAsync(string.Empty), StringComparison.Ordinal);
        Assert.Contains(Card, await GalleryAsync($"&from={Day(day)}"), StringComparison.Ordinal);
        Assert.Contains(Card, await GalleryAsync($"&from={Day(day)}&to={Day(day)}"), StringComparison.Ordinal);
        var before = await GalleryAsync($"&to={Day(day.AddDays(-1))}");
        Assert.DoesNotContain(Card, before, StringComparison.Ordinal);
        Assert.Contains("Met deze keuzes is er niets", before, StringComparison.Ordinal);
        Assert.DoesNotContain(Card, await GalleryAsync($"&from={Day(day.AddDays(1))}"), StringComparison.Ordinal);
        Assert.DoesNotContain(Card, await GalleryAsync($"&folder=kerst&from={Day(day)}"), StringComparison.Ordinal);

        var bad = await GalleryAsync("&from=2026-13-01&to=morgen");
        Assert.Contains("Vanaf: ", bad, StringComparison.Ordinal);
        Assert.Contains("2026-13-01", bad, StringComparison.Ordinal);
        Assert.Contains("Tot en met: ", bad, StringComparison.Ordinal);
        Assert.Contains("is geen datum", bad, StringComparison.Ordinal);
        Assert.DoesNotContain(Card, bad, StringComparison.Ordinal);
        var backwards = await GalleryAsync($"&from={Day(day)}&to={Day(day.AddDays(-1))}&lang=en");
        Assert.Contains($"To {Day(day.AddDays(-1))} is before from {Day(day)}", backwards, StringComparison.Ordinal);
        Assert.DoesNotContain(Card, backwards, StringComparison.Ordinal);

        // The card's checkbox asks for the zip of its item; through the web host the zip is whole and holds the single download.
        var key = listed.RootElement.GetProperty("items")[0].GetProperty("item_key").GetString()!;
        Assert.Contains($"name=\"key\" value=\"{key}\"", await GalleryAsync(string.Empty), StringComparison.Ordinal);
        var single = await client.GetByteArrayAsync($"api/schools/de-wilg/items/{key}/download?channel=website");
        using var zipped = await client.GetAsync($"api/schools/de-wilg/items/zip?channel=website&key={key}");
        Assert.Equal((HttpStatusCode.OK, "application/zip"), (zipped.StatusCode, zipped.Content.Headers.ContentType?.MediaType));
        using var zip = new ZipArchive(new MemoryStream(await zipped.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        var entry = Assert.Single(zip.Entries);
        Assert.Equal("sportdag/xmp-personinimage.jpg", entry.FullName);
        using var content = new MemoryStream();
        await using (var stream = await entry.OpenAsync())
        {
            await stream.CopyToAsync(content);
        }

        Assert.Equal(single, content.ToArray());

        // The gallery's own form goes through its page: the same zip, or back to the gallery saying in words why not.
        Assert.Contains("action=\"/app/de-wilg/gallery/zip\"", await GalleryAsync(string.Empty), StringComparison.Ordinal);
        using var viaPage = await client.GetAsync($"app/de-wilg/gallery/zip?channel=website&key={key}");
        Assert.Equal((HttpStatusCode.OK, "application/zip"), (viaPage.StatusCode, viaPage.Content.Headers.ContentType?.MediaType));
        Assert.Equal(await zipped.Content.ReadAsByteArrayAsync(), await viaPage.Content.ReadAsByteArrayAsync());
        foreach (var (query, said) in new[]
        {
            ("", "Vink eerst de items aan die in de zip moeten."),
            ($"&key={new string('0', 32)}", "Een van de gekozen items wordt niet (meer) op dit kanaal gepubliceerd"),
            (string.Concat(Enumerable.Range(0, 101).Select(i => $"&key={i:x32}")), "Hoogstens 100 items per zip"),
        })
        {
            using var refused = await client.GetAsync($"app/de-wilg/gallery/zip?channel=website{query}&lang=nl");
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode); // the gallery, after the redirect
            Assert.Equal("/app/de-wilg/gallery", refused.RequestMessage!.RequestUri!.AbsolutePath);
            var shown = await refused.Content.ReadAsStringAsync();
            Assert.Contains($"role=\"alert\">{said}", shown, StringComparison.Ordinal);
            Assert.Contains(Card, shown, StringComparison.Ordinal);
        }

        // A refusal keeps the filters the gallery's form carried, as a filtered gallery sends them.
        Assert.Contains("name=\"folder\" value=\"sportdag\"", await GalleryAsync("&folder=sportdag"), StringComparison.Ordinal);
        using var filtered = await client.GetAsync($"app/de-wilg/gallery/zip?channel=website&folder=sportdag&from=2026-01-01&key={new string('0', 32)}");
        Assert.Equal("?channel=website&folder=sportdag&from=2026-01-01&zip=gone", filtered.RequestMessage!.RequestUri!.Query);
    }

    [Fact]
    public async Task A_download_from_the_gallery_is_the_apis_and_once_withdrawn_brings_back_the_gallery_saying_so_in_words()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await PublishSportdagPhotoAsync();
        await using var serve = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "communications@de-wilg", "--no-pipeline");
        using var client = new HttpClient { BaseAddress = serve.Address };
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = serve.Address };
        using var listed = JsonDocument.Parse(await client.GetStringAsync("api/schools/de-wilg/items?state=approved&channel=website"));
        var key = listed.RootElement.GetProperty("items")[0].GetProperty("item_key").GetString()!;
        var link = $"app/de-wilg/gallery/download?channel=website&key={key}&folder=sportdag";

        // The card's link goes through the page, with the gallery's channel and filters; never straight to the API.
        var gallery = await client.GetStringAsync("app/de-wilg/gallery?channel=website&folder=sportdag");
        Assert.Contains($"href=\"/{link.Replace("&", "&amp;", StringComparison.Ordinal)}\"", gallery, StringComparison.Ordinal);
        Assert.DoesNotContain($"/items/{key}/download", gallery, StringComparison.Ordinal);

        using var api = await client.GetAsync($"api/schools/de-wilg/items/{key}/download?channel=website");
        using var viaPage = await client.GetAsync(link);
        Assert.Equal((HttpStatusCode.OK, "image/jpeg"), (viaPage.StatusCode, viaPage.Content.Headers.ContentType?.MediaType));
        Assert.Equal("xmp-personinimage.jpg", viaPage.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(await api.Content.ReadAsByteArrayAsync(), await viaPage.Content.ReadAsByteArrayAsync());

        // Another school's download is refused in words, as its other pages are.
        using var otherSchool = await client.GetAsync($"app/het-anker/gallery/download?channel=website&key={key}");
        Assert.Equal(HttpStatusCode.Forbidden, otherSchool.StatusCode);
        Assert.Contains("Geen toegang", await otherSchool.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Withdrawn after the gallery was shown: the API answers problem JSON, the page the gallery with the filters and the reason.
        Assert.Equal(0, CommandLineRun.Of("consent", "withdraw", "de-wilg", "LL-1002", "--storage", azurite.ConnectionString).ExitCode);
        Assert.Equal(0, CommandLineRun.Of("rescreen", "--storage", azurite.ConnectionString).ExitCode);
        using var apiGone = await client.GetAsync($"api/schools/de-wilg/items/{key}/download?channel=website");
        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (apiGone.StatusCode, apiGone.Content.Headers.ContentType?.MediaType));
        using var sentBack = await noRedirect.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, sentBack.StatusCode);
        Assert.Equal("/app/de-wilg/gallery?channel=website&folder=sportdag&download=gone", sentBack.Headers.Location!.OriginalString);
        foreach (var (language, said) in new[]
        {
            ("nl", "Dit item wordt niet (meer) op dit kanaal gepubliceerd, dus het is niet gedownload"),
            ("en", "This item is not (or no longer) published on this channel, so it was not downloaded"),
        })
        {
            using var gone = await client.GetAsync($"{link}&lang={language}");
            Assert.Equal((HttpStatusCode.OK, "text/html"), (gone.StatusCode, gone.Content.Headers.ContentType?.MediaType));
            Assert.Equal("/app/de-wilg/gallery", gone.RequestMessage!.RequestUri!.AbsolutePath);
            var shown = await gone.Content.ReadAsStringAsync();
            Assert.Contains($"role=\"alert\">{said}", shown, StringComparison.Ordinal);
            Assert.Contains("<input id=\"folder\" name=\"folder\" value=\"sportdag\"", shown, StringComparison.Ordinal);
            Assert.DoesNotContain("data-path=\"de-wilg/sportdag/xmp-personinimage.jpg\"", shown, StringComparison.Ordinal);
        }

        // A link that names no item is said to be one, not taken for a withdrawal.
        using var bad = await client.GetAsync("app/de-wilg/gallery/download?channel=website&key=nope&lang=en");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("role=\"alert\">This download link names no item or channel of this gallery.", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The register's two pupils of de-wilg (website, valid now) and their photo in sportdag, screened (approved for website).</summary>
    private async Task PublishSportdagPhotoAsync()
    {
        var folder = Directory.CreateTempSubdirectory("mediagate-pages-");
        try
        {
            var (from, until) = (DateTime.UtcNow.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), DateTime.UtcNow.AddDays(300).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            var csv = Path.Combine(folder.FullName, "consent.csv");
            await File.WriteAllTextAsync(csv, $"""
                school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence
                de-wilg,LL-1001,pupil,Emma de Vries,website,{from},{until},,form-1
                de-wilg,LL-1002,pupil,Noah Bakker,website,{from},{until},,form-2

                """);
            Assert.Equal(0, CommandLineRun.Of("consent", "import", csv, "--storage", azurite.ConnectionString).ExitCode);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        Assert.Equal(0, CommandLineRun.Of("upload", CommandLineRun.Data("xmp-personinimage.jpg"), "--to", "de-wilg/sportdag", "--storage", azurite.ConnectionString).ExitCode);
        Assert.Equal(0, CommandLineRun.Of("screen", "--storage", azurite.ConnectionString).ExitCode);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_pages_scripts_and_styles_are_served_and_nothing_else_is()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var serve = await Served.StartAsync(azurite.ConnectionString, "--no-pipeline");
        using var client = new HttpClient { BaseAddress = serve.Address };

        var script = await client.GetAsync("app/assets/upload.js");
        var style = await client.GetAsync("app/assets/mediagate.css");

        Assert.Equal(("text/javascript", "text/css"), (script.Content.Headers.ContentType?.MediaType, style.Content.Headers.ContentType?.MediaType));
        Assert.Contains("XMLHttpRequest", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("app/assets/Kalisto.MediaGate.Web.dll")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("app/assets/..%2F..%2Fappsettings.json")).StatusCode);
    }

    [Fact]
    public async Task A_change_sent_from_another_sites_page_is_refused_and_one_from_mediagates_own_is_not()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var serve = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "privacy@de-wilg", "--no-pipeline");
        using var client = new HttpClient { BaseAddress = serve.Address };

        using var forged = new HttpRequestMessage(HttpMethod.Post, "api/schools/de-wilg/consent/LL-1001/withdraw");
        forged.Headers.Add("Origin", "https://evil.example");
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "api/schools/de-wilg/consent/import") { Content = new StringContent("school\n", Encoding.UTF8, "text/csv") };
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var own = new HttpRequestMessage(HttpMethod.Post, "api/schools/de-wilg/consent/LL-1001/withdraw");
        own.Headers.Add("Origin", serve.Address.GetLeftPart(UriPartial.Authority));
        own.Headers.Add("Sec-Fetch-Site", "same-origin");

        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(forged)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(crossSite)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(own)).StatusCode); // reached the handler: no such record
    }

    [Theory]
    [InlineData("GET", null, "https://evil.example", false)]
    [InlineData("POST", null, null, false)]
    [InlineData("POST", "same-origin", null, false)]
    [InlineData("POST", "none", null, false)]
    [InlineData("POST", "same-site", null, true)]
    [InlineData("PUT", "cross-site", null, true)]
    [InlineData("POST", null, "http://127.0.0.1:7071", false)]
    [InlineData("POST", null, "http://127.0.0.1:7072", true)]
    [InlineData("POST", null, "null", true)]
    public void Only_browsers_on_other_sites_are_taken_for_forgery(string method, string? fetchSite, string? origin, bool refused)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Host = new HostString("127.0.0.1", 7071);
        if (fetchSite is not null)
        {
            context.Request.Headers["Sec-Fetch-Site"] = fetchSite;
        }

        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        Assert.Equal(refused, ApiAccess.FromAnotherSite(context.Request));
    }

    /// <summary>The value of the input with <paramref name="id"/> in a page.</summary>
    private static string Value(string page, string id)
    {
        var match = System.Text.RegularExpressions.Regex.Match(page, $"<input id=\"{id}\"[^>]* value=\"([^\"]*)\"");
        Assert.True(match.Success, $"The page has no input {id} with a value.");
        return match.Groups[1].Value;
    }
}
