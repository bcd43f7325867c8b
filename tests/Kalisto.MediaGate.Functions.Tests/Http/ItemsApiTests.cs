using System.Text.Json;
using Kalisto.MediaGate.Functions.Http;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Kalisto.MediaGate.Tests.Support.HttpCalls;

namespace Kalisto.MediaGate.Functions.Tests.Http;

/// <summary>
/// The review list, an item's audit trail and the audit CSV, on items screened through <c>ScreenUpload</c>:
/// at 23:30 UTC on 26 November 2026, which is already 27 November in Amsterdam.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ItemsApiTests(Azurite azurite)
{
    private static readonly DateTimeOffset ScreenedAt = new(2026, 11, 26, 23, 30, 0, TimeSpan.Zero);

    private static readonly string[] Names = ["Emma", "Vries", "Noah", "Bakker", "Sanne", "Jansen"];

    private const string Relay = "de-wilg/sportdag/estafette.jpg";  // Emma (withdrawn, by name) and LL-1002
    private const string Finish = "de-wilg/sportdag/finish.jpg";    // LL-1002
    private const string Untagged = "de-wilg/groep3/IMG_0001.jpg";
    private const string OtherSchool = "het-anker/sportdag/finish.jpg";

    [Fact]
    public async Task The_review_list_is_the_schools_quarantined_items_with_subject_ids_and_no_names()
    {
        var clock = new FixedClock(ScreenedAt);
        await using var host = await ScreenedAsync(clock);

        var review = await host.AnswerAsync(host.Function<HttpApi>().ListItems(host.Request(), "de-wilg", default));
        var approved = await host.AnswerAsync(host.Function<HttpApi>().ListItems(host.Query("?state=approved"), "de-wilg", default));
        var redacted = await host.AnswerAsync(host.Function<HttpApi>().ListItems(host.Query("?state=Redacted"), "de-wilg", default));

        Assert.Equal(200, review.Status);
        Assert.StartsWith("application/json", review.ContentType, StringComparison.Ordinal);
        var items = review.Json().GetProperty("items").EnumerateArray().ToList();
        Assert.False(review.Json().TryGetProperty("next", out _));
        Assert.Equal([Untagged, Relay], items.Select(i => i.GetProperty("path").GetString()));
        Assert.All(items, i => Assert.Equal("quarantined", i.GetProperty("state").GetString()));
        Assert.All(items, i => Assert.Matches("^[0-9a-f]{32}$", i.GetProperty("item_key").GetString()));
        Assert.Equal(items.Count, items.Select(i => i.GetProperty("item_key").GetString()).Distinct().Count());
        Assert.All(items, i => Assert.Equal("2026-11-26T23:30:00Z", i.GetProperty("decided_at").GetString()));
        var relay = items[1];
        Assert.Equal(["LL-1001", "LL-1002"], Strings(relay.GetProperty("subjects")));
        Assert.Empty(Strings(relay.GetProperty("channels")));
        var reason = Assert.Single(relay.GetProperty("reasons").EnumerateArray());
        Assert.Equal(("consent-withdrawn", "LL-1001"), (reason.GetProperty("code").GetString(), reason.GetProperty("subject").GetString()));
        var untagged = Assert.Single(items[0].GetProperty("reasons").EnumerateArray());
        Assert.Equal("untagged", untagged.GetProperty("code").GetString());
        Assert.False(untagged.TryGetProperty("subject", out _));
        foreach (var name in Names)
        {
            Assert.DoesNotContain(name, review.Body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(name, approved.Body, StringComparison.OrdinalIgnoreCase);
        }

        var published = Assert.Single(approved.Json().GetProperty("items").EnumerateArray());
        Assert.Equal(Finish, published.GetProperty("path").GetString());
        Assert.Equal(["newsletter", "parentportal", "schoolguide", "socialmedia", "website"], Strings(published.GetProperty("channels")));
        Assert.Empty(published.GetProperty("reasons").EnumerateArray());
        Assert.Equal(200, redacted.Status);
        Assert.Empty(redacted.Json().GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task An_items_audit_trail_lists_its_decisions_oldest_first_with_the_consent_versions_used()
    {
        var clock = new FixedClock(ScreenedAt);
        await using var host = await ScreenedAsync(clock);
        clock.Now = ScreenedAt.AddHours(12);
        var withdrawal = await host.AnswerAsync(host.Function<HttpApi>().WithdrawConsent(host.Request(), "de-wilg", "LL-1002", default));
        Assert.Equal(200, withdrawal.Status);
        var rescreen = host.Function<RescreenItems>();
        var (handled, failed) = await QueueDrain.RunMessagesAsync(host.Services.GetRequiredService<MediaStorage>().RescreenQueue, async (m, ct) =>
        {
            await rescreen.RunAsync(m.MessageText, m.DequeueCount, ct);
            return QueueDrain.Handling.Handled;
        }, 1, default);
        Assert.Equal((1, 0), (handled, failed));

        var finish = await KeyOfAsync(host, "de-wilg", Finish);
        var answer = await host.AnswerAsync(host.Function<HttpApi>().ItemAudit(host.Request(), "de-wilg", finish, default));

        Assert.Equal(200, answer.Status);
        var audit = answer.Json();
        Assert.Equal(finish, audit.GetProperty("item_key").GetString());
        Assert.Equal(Finish, audit.GetProperty("path").GetString());
        Assert.Equal("quarantined", audit.GetProperty("state").GetString());
        var decisions = audit.GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(2, decisions.Count);
        var (upload, after) = (decisions[0], decisions[1]);
        // The first decision is made with the faces (the upload's screening waited for them, and recorded none).
        Assert.Equal(("faces", "approved", "2026-11-26T23:30:00Z"), (upload.GetProperty("trigger").GetString(), upload.GetProperty("outcome").GetString(), upload.GetProperty("decided_at").GetString()));
        Assert.Equal((0, 0), (upload.GetProperty("faces").GetProperty("detected").GetInt32(), upload.GetProperty("faces").GetProperty("unidentified").GetInt32()));
        Assert.Equal(1, upload.GetProperty("consent_versions").GetProperty("LL-1002").GetInt64());
        Assert.Equal(5, upload.GetProperty("channels").GetArrayLength());
        Assert.Equal(("rescreen", "quarantined", "2026-11-27T11:30:00Z"), (after.GetProperty("trigger").GetString(), after.GetProperty("outcome").GetString(), after.GetProperty("decided_at").GetString()));
        Assert.Equal(2, after.GetProperty("consent_versions").GetProperty("LL-1002").GetInt64());
        Assert.Equal(0, after.GetProperty("channels").GetArrayLength());
        var reason = Assert.Single(after.GetProperty("reasons").EnumerateArray());
        Assert.Equal(("consent-withdrawn", "LL-1002"), (reason.GetProperty("code").GetString(), reason.GetProperty("subject").GetString()));
        Assert.Equal(["LL-1002"], Strings(after.GetProperty("subjects")));
    }

    [Fact]
    public async Task The_audit_of_an_unknown_item_or_of_another_schools_item_is_404()
    {
        await using var host = await ScreenedAsync(new FixedClock(ScreenedAt));

        var other = await KeyOfAsync(host, "het-anker", OtherSchool);
        var unknown = await host.AnswerAsync(host.Function<HttpApi>().ItemAudit(host.Request(), "de-wilg", ItemKey.For("de-wilg/nothing.jpg", "0x0"), default));
        var elsewhere = await host.AnswerAsync(host.Function<HttpApi>().ItemAudit(host.Request(), "de-wilg", other, default));
        var own = await host.AnswerAsync(host.Function<HttpApi>().ItemAudit(host.Request(), "het-anker", other, default));

        Assert.Equal((404, "application/problem+json"), (unknown.Status, unknown.ContentType));
        Assert.Equal((404, "application/problem+json"), (elsewhere.Status, elsewhere.ContentType));
        Assert.Equal(200, own.Status);
    }

    [Fact]
    public async Task The_audit_csv_holds_the_schools_decisions_of_the_days_asked_for_in_Amsterdam_time()
    {
        await using var host = await ScreenedAsync(new FixedClock(ScreenedAt));

        var day = await host.AnswerAsync(host.Function<HttpApi>().ExportAudit(host.Query("?from=2026-11-27&to=2026-11-27"), "de-wilg", default));
        var dayBefore = await host.AnswerAsync(host.Function<HttpApi>().ExportAudit(host.Query("?from=2026-11-01&to=2026-11-26"), "de-wilg", default));

        Assert.Equal(200, day.Status);
        Assert.Equal("text/csv; charset=utf-8", day.ContentType);
        Assert.Contains("audit-de-wilg-2026-11-27-2026-11-27.csv", day.Headers.ContentDisposition.ToString(), StringComparison.Ordinal);
        var lines = Lines(day.Body);
        Assert.Equal(string.Join(',', Storage.Lifecycle.AuditExport.Header), lines[0]);
        Assert.Equal(3, lines.Count - 1);
        Assert.All(lines.Skip(1), l => Assert.StartsWith("2026-11-26T23:30:00Z,de-wilg,", l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(Finish, StringComparison.Ordinal) && l.Contains(",faces,approved,LL-1002,", StringComparison.Ordinal) && l.EndsWith(",0", StringComparison.Ordinal)); // no face unidentified
        Assert.Contains(lines, l => l.Contains(Relay, StringComparison.Ordinal) && l.Contains("consent-withdrawn:LL-1001", StringComparison.Ordinal) && l.EndsWith(',')); // faces not looked at
        Assert.Contains(lines, l => l.Contains(Untagged, StringComparison.Ordinal) && l.EndsWith(','));
        Assert.DoesNotContain(lines, l => l.Contains("het-anker", StringComparison.Ordinal));
        Assert.All(Names, name => Assert.DoesNotContain(name, day.Body, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(200, dayBefore.Status);
        Assert.Single(Lines(dayBefore.Body));
    }

    [Fact]
    public async Task The_audit_csv_writes_a_cell_that_would_be_a_formula_as_text_and_a_path_as_it_is()
    {
        // Subject IDs as a school may configure them, one that starts with '-' (a formula to a spreadsheet).
        const string path = "de-wilg/=HYPERLINK(1).jpg";
        await using var host = await FunctionsHost.StartAsync(azurite, new Dictionary<string, string?> { ["MediaGate:Consent:SubjectIdPattern"] = @"^-?\d{4}$" }, new FixedClock(ScreenedAt));
        await host.Services.GetRequiredService<TableConsentRegister>().ImportAsync([Records.Valid("de-wilg", "-1001", "Emma de Vries")], "test", default);
        var storage = host.Services.GetRequiredService<MediaStorage>();
        await storage.Uploads.UploadAsync(path, MediaBuilder.Jpeg(MediaBuilder.Xmp(MediaBuilder.DcSubject("-1001"))));
        await host.Function<ScreenUpload>().RunAsync(storage.Uploads.GetBlobClient(path), path, default);
        await host.DrainImagingAsync();

        var answer = await host.AnswerAsync(host.Function<HttpApi>().ExportAudit(host.Query("?from=2026-11-27&to=2026-11-27"), "de-wilg", default));

        Assert.Equal((200, "text/csv; charset=utf-8"), (answer.Status, answer.ContentType));
        var row = Assert.Single(Lines(answer.Body).Skip(1));
        Assert.StartsWith($"2026-11-26T23:30:00Z,de-wilg,{path},faces,", row, StringComparison.Ordinal); // begins with its school: text as it is
        Assert.Contains(",\"'-1001\",", row, StringComparison.Ordinal); // subjects
        Assert.EndsWith(",\"'-1001@1\",0", row, StringComparison.Ordinal); // consent_versions, unidentified_faces
        Assert.DoesNotContain("Emma", answer.Body, StringComparison.Ordinal);
    }

    /// <summary>A school's register (Emma withdrawn) and four uploads screened through the function.</summary>
    private async Task<FunctionsHost> ScreenedAsync(FixedClock clock)
    {
        var host = await FunctionsHost.StartAsync(azurite, clock: clock);
        var register = host.Services.GetRequiredService<TableConsentRegister>();
        await register.ImportAsync(
        [
            Records.Valid("de-wilg", "LL-1001", "Emma de Vries") with { WithdrawnOn = new DateOnly(2026, 9, 1) },
            Records.Valid("de-wilg", "LL-1002", "Noah Bakker"),
            Records.Valid("het-anker", "LL-1002", "Noah Bakker"),
        ], "test", default);
        var storage = host.Services.GetRequiredService<MediaStorage>();
        var uploads = new Dictionary<string, string>
        {
            [Relay] = "xmp-personinimage.jpg",
            [Finish] = "xmp-lr-hierarchical.jpg",
            [Untagged] = "untagged.jpg",
            [OtherSchool] = "xmp-lr-hierarchical.jpg",
        };
        var screen = host.Function<ScreenUpload>();
        foreach (var (name, fixture) in uploads)
        {
            await storage.Uploads.UploadFixtureAsync(name, fixture);
            await screen.RunAsync(storage.Uploads.GetBlobClient(name), name, default);
        }

        // The images the tags would publish wait for their faces: RedactImage looks, and decides them.
        await host.DrainImagingAsync();
        return host;
    }

    private static List<string?> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString())];

    private static List<string> Lines(string csv) => [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];

    private static async Task<string> KeyOfAsync(FunctionsHost host, string school, string location) =>
        (await host.Services.GetRequiredService<ItemCatalog>().ListAsync(school, default)).Single(i => i.Location == location).ItemId;
}
