using System.Globalization;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Playwright;

namespace Kalisto.MediaGate.Tests.Pages;

/// <summary>
/// The privacy officer's register pages in a real browser against <c>mediagate serve</c> on Azurite: the CSV import
/// (all or nothing, every error by line), changing and adding a record (the version read is checked, so a stale
/// change is refused and says so), and the audit export's download. Every page is checked with axe and at phone width.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RegisterPagesTests(Browser browser, Azurite azurite) : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mediagate-browser-");
    private readonly (string From, string Until) _period = (Day(-30), Day(300));

    public void Dispose() => _folder.Delete(recursive: true);

    [SkippableFact]
    public async Task An_import_with_an_error_lists_it_by_line_and_changes_nothing_and_a_valid_import_shows_its_counts()
    {
        await using var context = await browser.NewContextAsync();
        StorageAccount.Empty(azurite.ConnectionString);
        ImportConsent();
        await using var privacy = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "privacy@de-wilg", "--no-pipeline");
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(privacy.Address, "app/de-wilg/register").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "Een CSV uit de leerlingadministratie importeren" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Register importeren");
        await PageChecks.CheckAsync(page, "privacy-import");

        // Line 2 would change Emma's evidence; line 3 has a date that is none.
        var bad = await CsvAsync("bad.csv", $"de-wilg,LL-1001,pupil,Emma de Vries,website;newsletter,{_period.From},{_period.Until},,form-9", "de-wilg,LL-1003,pupil,Sara Jansen,website,2026-13-45,2027-07-31,,form-3");
        await page.GetByLabel("CSV-bestand").SetInputFilesAsync(bad);
        await page.GetByRole(AriaRole.Button, new() { Name = "Importeren" }).ClickAsync();
        var status = page.GetByRole(AriaRole.Status);
        await Assertions.Expect(status).ToContainTextAsync("Er is niets veranderd.", new() { Timeout = 15_000 });
        await Assertions.Expect(status.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await Assertions.Expect(status.GetByRole(AriaRole.Listitem)).ToContainTextAsync("Regel 3 · valid_from");
        await PageChecks.CheckAsync(page, "privacy-import-errors");

        await page.GotoAsync(new Uri(privacy.Address, "app/de-wilg/register/LL-1001").ToString());
        await Assertions.Expect(page.Locator("dl.record")).ToContainTextAsync("Versie 1");
        await Assertions.Expect(page.Locator("dl.record")).ToContainTextAsync("form-1");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "LL-1003" })).ToHaveCountAsync(0);

        await page.GotoAsync(new Uri(privacy.Address, "app/de-wilg/register/import").ToString());
        var good = await CsvAsync(
            "good.csv",
            $"de-wilg,LL-1001,pupil,Emma de Vries,website;newsletter,{_period.From},{_period.Until},,form-9",
            $"de-wilg,LL-1002,pupil,Noah Bakker,website;newsletter,{_period.From},{_period.Until},,form-2",
            $"de-wilg,LL-1003,pupil,Sara Jansen,website,{_period.From},{_period.Until},,form-3");
        await page.GetByLabel("CSV-bestand").SetInputFilesAsync(good);
        await page.GetByRole(AriaRole.Button, new() { Name = "Importeren" }).ClickAsync();
        await Assertions.Expect(status).ToHaveTextAsync("Import klaar: 1 toegevoegd, 1 gewijzigd, 1 ongewijzigd, 0 waarschuwing(en).", new() { Timeout = 15_000 });

        await page.GotoAsync(new Uri(privacy.Address, "app/de-wilg/register/LL-1001").ToString());
        await Assertions.Expect(page.Locator("dl.record")).ToContainTextAsync("Versie 2");
        await Assertions.Expect(page.Locator("dl.record")).ToContainTextAsync("form-9");
    }

    [SkippableFact]
    public async Task The_privacy_officer_changes_a_record_and_sees_the_new_version_and_a_stale_change_is_refused_not_saved()
    {
        await using var context = await browser.NewContextAsync();
        StorageAccount.Empty(azurite.ConnectionString);
        ImportConsent();
        await using var privacy = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "privacy@de-wilg", "--no-pipeline");
        var page = await context.NewPageAsync();
        var record = new Uri(privacy.Address, "app/de-wilg/register/LL-1001").ToString();
        await page.GotoAsync(record);
        await PageChecks.CheckAsync(page, "privacy-edit");
        var status = page.Locator("#edit-status"); // the edit form's status region (the withdrawal has its own)

        // No evidence while channels are granted: the API says so at the field, and nothing is saved.
        var evidence = page.GetByLabel("Bewijs (kenmerk van het getekende formulier)");
        await evidence.FillAsync(string.Empty);
        await page.GetByRole(AriaRole.Button, new() { Name = "Wijzigingen opslaan" }).ClickAsync();
        await Assertions.Expect(status).ToHaveRoleAsync(AriaRole.Status);
        await Assertions.Expect(status).ToContainTextAsync("Niet opgeslagen.");
        await Assertions.Expect(evidence).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#edit-evidence-error")).ToContainTextAsync("evidence");
        await PageChecks.CheckAsync(page, "privacy-edit-errors");

        // Taking a channel away asks first, with the count of published items.
        string? asked = null;
        page.Dialog += async (_, dialog) => { asked = dialog.Message; await dialog.AcceptAsync(); };
        await evidence.FillAsync("form-2");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "newsletter" }).UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Wijzigingen opslaan" }).ClickAsync();
        await Assertions.Expect(page.Locator("dl.record")).ToContainTextAsync("Versie 2", new() { Timeout = 15_000 });
        Assert.Equal("Deze wijziging haalt een kanaal weg bij Emma de Vries of maakt de periode korter. De 0 gepubliceerde item(s) met deze persoon worden opnieuw gecontroleerd; wat niet meer mag, wordt offline gehaald. Opslaan?", asked);
        var history = page.GetByRole(AriaRole.Table);
        await Assertions.Expect(history).ToContainTextAsync("Kanalen: newsletter, website → website");
        await Assertions.Expect(history).ToContainTextAsync("Bewijs: form-1 → form-2");

        // Someone else changes the record on another page; this page still holds version 2.
        var other = await context.NewPageAsync();
        await other.GotoAsync(record);
        await other.GetByLabel("Bewijs (kenmerk van het getekende formulier)").FillAsync("form-3");
        await other.GetByRole(AriaRole.Button, new() { Name = "Wijzigingen opslaan" }).ClickAsync();
        await Assertions.Expect(other.Locator("dl.record")).ToContainTextAsync("Versie 3", new() { Timeout = 15_000 });

        await evidence.FillAsync("form-stale");
        await page.GetByRole(AriaRole.Button, new() { Name = "Wijzigingen opslaan" }).ClickAsync();
        await Assertions.Expect(status).ToHaveTextAsync(
            "Iemand anders heeft dit gegeven intussen gewijzigd. Je wijziging is daarom niet opgeslagen. Laad de pagina opnieuw om hun versie te zien en breng je wijziging daarna opnieuw aan.");
        await PageChecks.CheckAsync(page, "privacy-edit-conflict");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("dl.record")).ToContainTextAsync("Versie 3");
        await Assertions.Expect(page.Locator("dl.record")).ToContainTextAsync("form-3");
        await Assertions.Expect(page.Locator("dl.record")).Not.ToContainTextAsync("form-stale");
    }

    [SkippableFact]
    public async Task The_privacy_officer_adds_a_new_person_and_cannot_add_one_twice()
    {
        await using var context = await browser.NewContextAsync();
        StorageAccount.Empty(azurite.ConnectionString);
        ImportConsent();
        await using var privacy = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "privacy@de-wilg", "--no-pipeline");
        var page = await context.NewPageAsync();
        var register = new Uri(privacy.Address, "app/de-wilg/register").ToString();

        await page.GotoAsync(register);
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Nieuwe persoon" });
        await form.GetByLabel("ID (bijvoorbeeld LL-1003)").FillAsync("ll-1004");
        await form.GetByLabel("Naam").FillAsync("Daan Visser");
        await form.GetByRole(AriaRole.Checkbox, new() { Name = "website" }).CheckAsync();
        await form.GetByLabel("Geldig tot en met").FillAsync(_period.Until);
        await form.GetByLabel("Bewijs (kenmerk van het getekende formulier)").FillAsync("form-4");
        await form.GetByRole(AriaRole.Button, new() { Name = "Persoon toevoegen" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Daan Visser (LL-1004)", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("dl.record")).ToContainTextAsync("Versie 1");

        await page.GotoAsync(register);
        await form.GetByLabel("ID (bijvoorbeeld LL-1003)").FillAsync("LL-1001");
        await form.GetByLabel("Naam").FillAsync("Someone Else");
        await form.GetByLabel("Geldig tot en met").FillAsync(_period.Until);
        await form.GetByRole(AriaRole.Button, new() { Name = "Persoon toevoegen" }).ClickAsync();
        await Assertions.Expect(page.Locator("#add-status")).ToContainTextAsync("Er staat al iemand met dit ID in het register.");
        await PageChecks.CheckAsync(page, "privacy-register-add");
        await page.GotoAsync(new Uri(privacy.Address, "app/de-wilg/register/LL-1001").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Emma de Vries (LL-1001)");
    }

    [SkippableFact]
    public async Task The_audit_page_downloads_the_audit_csv_of_the_last_thirty_days()
    {
        await using var context = await browser.NewContextAsync();
        StorageAccount.Empty(azurite.ConnectionString);
        await using var privacy = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "privacy@de-wilg", "--no-pipeline");
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(privacy.Address, "app/de-wilg/register").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "Auditlog" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Auditlog exporteren");
        await PageChecks.CheckAsync(page, "privacy-audit");
        var from = await page.GetByLabel("Van", new() { Exact = true }).InputValueAsync();
        var to = await page.GetByLabel("Tot en met", new() { Exact = true }).InputValueAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "CSV downloaden" }).ClickAsync());
        var path = Path.Combine(_folder.FullName, "audit.csv");
        await download.SaveAsAsync(path);

        Assert.Equal($"audit-de-wilg-{from}-{to}.csv", download.SuggestedFilename);
        Assert.Equal(string.Join(',', AuditExport.Header), (await File.ReadAllLinesAsync(path))[0]);

        // An end before the start: the page says so, in words, and keeps what was typed.
        var before = DateOnly.ParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.GetByLabel("Tot en met", new() { Exact = true }).FillAsync(before);
        await page.GetByRole(AriaRole.Button, new() { Name = "CSV downloaden" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Deze periode klopt niet: kies een begin- en een einddatum, en het begin niet na het einde.");
        Assert.Equal(before, await page.GetByLabel("Tot en met", new() { Exact = true }).InputValueAsync());
        await PageChecks.CheckAsync(page, "privacy-audit-invalid");
    }

    private static string Day(int fromToday) => DateTime.UtcNow.AddDays(fromToday).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A CSV of the register with <paramref name="rows"/> under the header (line 1).</summary>
    private async Task<string> CsvAsync(string name, params string[] rows)
    {
        var path = Path.Combine(_folder.FullName, name);
        await File.WriteAllTextAsync(path, string.Join('\n', ["school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence", .. rows]) + "\n");
        return path;
    }

    /// <summary>The register of de-wilg: Emma de Vries (LL-1001) and Noah Bakker (LL-1002), both for website and newsletter.</summary>
    private void ImportConsent()
    {
        var csv = Path.Combine(_folder.FullName, "consent.csv");
        File.WriteAllText(csv, $"""
            school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence
            de-wilg,LL-1001,pupil,Emma de Vries,website;newsletter,{_period.From},{_period.Until},,form-1
            de-wilg,LL-1002,pupil,Noah Bakker,website;newsletter,{_period.From},{_period.Until},,form-2

            """);
        Assert.Equal(0, CommandLineRun.Of("consent", "import", csv, "--storage", azurite.ConnectionString).ExitCode);
    }
}
