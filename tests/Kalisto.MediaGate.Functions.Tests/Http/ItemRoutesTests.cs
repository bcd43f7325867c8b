using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Kalisto.MediaGate.Functions.Http;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Kalisto.MediaGate.Tests.Support.HttpCalls;

namespace Kalisto.MediaGate.Functions.Tests.Http;

/// <summary>
/// The item routes a listing leads to: paging through a state, a channel's download of the approved copy and a
/// re-screen asked for by hand, on items screened through <c>ScreenUpload</c> on 27 November 2026.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ItemRoutesTests(Azurite azurite)
{
    private static readonly DateTimeOffset ScreenedAt = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private static readonly string[] DisplayNames = ["Emma de Vries", "Noah Bakker", "Sanne Jansen"];

    private const string Relay = "de-wilg/sportdag/estafette.jpg"; // "Emma de Vries" by name, LL-1002 by ID: approved
    private const string Finish = "de-wilg/sportdag/finish.jpg";    // LL-1002: approved on every channel
    private const string Choir = "de-wilg/kerst/koor.jpg";          // LL-1003: approved for the newsletter only
    private const string Untagged = "de-wilg/groep3/IMG_0001.jpg";  // quarantined

    [Fact]
    public async Task Following_next_through_every_page_lists_each_item_of_the_state_exactly_once()
    {
        await using var host = await StartAsync();
        await RegisterAsync(host);
        var approved = Enumerable.Range(1, 5).Select(i => $"de-wilg/sportdag/p{i}.jpg").ToList();
        foreach (var (path, i) in approved.Select((p, i) => (p, i)))
        {
            await ScreenAsync(host, path, Tagged(i, "LL-1002"));
        }

        await ScreenFixtureAsync(host, Untagged, "untagged.jpg");
        await ScreenAsync(host, "het-anker/sportdag/p1.jpg", Tagged(0, "LL-1002"));

        var seen = new List<string>();
        var pages = 0;
        string? continuation = null;
        do
        {
            var query = "?state=approved&page_size=2" + (continuation is null ? string.Empty : "&continuation=" + continuation);
            var page = await ListAsync(host, query);
            Assert.Equal(200, page.Status);
            Assert.StartsWith("application/json", page.ContentType, StringComparison.Ordinal);
            var body = page.Json();
            Assert.Equal(JsonValueKind.Object, body.ValueKind);
            Assert.All(body.EnumerateObject(), p => Assert.Contains(p.Name, new[] { "items", "next" }));
            var items = body.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 0, 2);
            Assert.All(items, i => Assert.Equal("approved", i.GetProperty("state").GetString()));
            seen.AddRange(items.Select(i => i.GetProperty("path").GetString()!));
            continuation = body.TryGetProperty("next", out var next) ? next.GetString() : null;
            Assert.True(++pages <= 10, "the listing does not end");
        }
        while (continuation is not null);

        Assert.Equal(approved, seen.Order(StringComparer.Ordinal));
        Assert.True(pages >= 3, $"5 items in pages of 2 came in {pages} page(s)");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("2.5")]
    public async Task A_page_size_outside_1_to_1000_is_400_naming_page_size(string size)
    {
        await using var host = await StartAsync();

        var answer = await ListAsync(host, "?state=approved&page_size=" + size);

        Assert.Contains("page_size", answer.ValidationErrors().Keys);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1000")]
    public async Task The_smallest_and_largest_page_sizes_are_listed(string size)
    {
        await using var host = await StartAsync();
        await RegisterAsync(host);
        await ScreenAsync(host, Finish, Tagged(0, "LL-1002"));

        var answer = await ListAsync(host, "?state=approved&page_size=" + size);

        Assert.Equal(200, answer.Status);
        Assert.Equal(Finish, Assert.Single(answer.Json().GetProperty("items").EnumerateArray()).GetProperty("path").GetString());
    }

    [Fact]
    public async Task Another_schools_continuation_is_400_naming_continuation_and_shows_none_of_its_items()
    {
        await using var host = await StartAsync();
        await RegisterAsync(host);
        await ScreenAsync(host, Finish, Tagged(0, "LL-1002"));
        await ScreenAsync(host, "het-anker/sportdag/p1.jpg", Tagged(1, "LL-1002"));
        await ScreenAsync(host, "het-anker/sportdag/p2.jpg", Tagged(2, "LL-1002"));
        await ScreenAsync(host, "het-anker/sportdag/p3.jpg", Tagged(3, "LL-1002"));
        var theirs = await host.AnswerAsync(host.Function<HttpApi>().ListItems(host.Query("?state=approved&page_size=1"), "het-anker", default));
        var next = theirs.Json().GetProperty("next").GetString();

        var answer = await ListAsync(host, "?state=approved&page_size=1&continuation=" + next);

        Assert.Contains("continuation", answer.ValidationErrors().Keys);
        Assert.DoesNotContain("het-anker", answer.Body, StringComparison.Ordinal);

        // Their table position made out to be this school's: still only this school's items, if any.
        var table = Encoding.UTF8.GetString(Convert.FromBase64String(Padded(next!)));
        Assert.StartsWith("het-anker ", table, StringComparison.Ordinal);
        var forged = Convert.ToBase64String(Encoding.UTF8.GetBytes("de-wilg " + table["het-anker ".Length..])).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var moved = await ListAsync(host, "?state=approved&page_size=1&continuation=" + forged);
        Assert.True(moved.Status is 200 or 400, moved.ToString());
        Assert.DoesNotContain("het-anker", moved.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("not a token")]
    [InlineData("%00%01")]
    [InlineData("ZGUtd2lsZyBjb25zZW50LUxMLTEwMDE")] // "de-wilg consent-LL-1001": the school's, but no item row
    [InlineData("ZGUtd2lsZw")] // "de-wilg": no table position
    public async Task A_continuation_that_is_not_one_handed_out_is_400_naming_continuation(string continuation)
    {
        await using var host = await StartAsync();

        var answer = await ListAsync(host, "?state=approved&continuation=" + continuation);

        Assert.Contains("continuation", answer.ValidationErrors().Keys);
    }

    [Fact]
    public async Task A_channel_lists_only_the_items_published_on_it_and_an_unknown_channel_is_400()
    {
        await using var host = await StartAsync();
        await RegisterAsync(host);
        await ScreenAsync(host, Finish, Tagged(0, "LL-1002"));
        await ScreenAsync(host, Choir, Tagged(1, "LL-1003"));

        var website = await ListAsync(host, "?state=approved&channel=website");
        var newsletter = await ListAsync(host, "?state=approved&channel=Newsletter");
        var all = await ListAsync(host, "?state=approved");
        var unknown = await ListAsync(host, "?state=approved&channel=billboard");

        Assert.Equal([Finish], Paths(website));
        Assert.Equal([Choir, Finish], Paths(newsletter));
        Assert.Equal([Choir, Finish], Paths(all));
        Assert.All(website.Json().GetProperty("items").EnumerateArray(), i => Assert.Contains("website", Strings(i.GetProperty("channels"))));
        Assert.Contains("channel", unknown.ValidationErrors().Keys);
    }

    [Fact]
    public async Task An_approved_item_downloads_as_its_approved_copys_bytes_with_its_type_and_a_file_name_and_no_names()
    {
        await using var host = await StartAsync();
        await RegisterAsync(host);
        await ScreenFixtureAsync(host, Relay, "xmp-personinimage.jpg");
        var key = await KeyOfAsync(host, Relay);
        var item = (await host.Services.GetRequiredService<ItemCatalog>().GetAsync("de-wilg", key, default))!.State;
        Assert.Equal("approved", item.StateName);

        var answer = await DownloadAsync(host, key, "?channel=website");

        Assert.Equal(200, answer.Status);
        var copy = (await host.Services.GetRequiredService<MediaStorage>().Approved.GetBlobClient(Relay).DownloadContentAsync()).Value.Content.ToArray();
        Assert.Equal(copy, answer.Bytes);
        Assert.Equal("image/jpeg", item.ContentType);
        Assert.Equal(item.ContentType, answer.ContentType);
        var disposition = answer.Headers.ContentDisposition.ToString();
        Assert.StartsWith("attachment", disposition, StringComparison.Ordinal);
        Assert.Contains("filename=estafette.jpg", disposition, StringComparison.Ordinal);
        var original = await File.ReadAllBytesAsync(TestData.File("xmp-personinimage.jpg"));
        Assert.Contains("Emma de Vries", Encoding.Latin1.GetString(original), StringComparison.Ordinal); // what is to be stripped
        foreach (var name in DisplayNames.SelectMany(n => n.Split(' ')).Where(n => n.Length > 2))
        {
            Assert.DoesNotContain(name, Encoding.Latin1.GetString(answer.Bytes), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(name, Encoding.Unicode.GetString(answer.Bytes), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_download_without_a_channel_or_with_an_unknown_one_is_400_naming_channel()
    {
        await using var host = await StartAsync();
        await RegisterAsync(host);
        await ScreenAsync(host, Finish, Tagged(0, "LL-1002"));
        var key = await KeyOfAsync(host, Finish);

        var none = await DownloadAsync(host, key, null);
        var empty = await DownloadAsync(host, key, "?channel=");
        var unknown = await DownloadAsync(host, key, "?channel=billboard");

        Assert.Contains("channel", none.ValidationErrors().Keys);
        Assert.Contains("channel", empty.ValidationErrors().Keys);
        Assert.Contains("channel", unknown.ValidationErrors().Keys);
    }

    [Fact]
    public async Task An_item_not_published_on_the_channel_a_quarantined_item_and_an_unknown_item_are_404()
    {
        await using var host = await StartAsync();
        await RegisterAsync(host);
        await ScreenAsync(host, Choir, Tagged(1, "LL-1003"));
        await ScreenFixtureAsync(host, Untagged, "untagged.jpg");
        var (choir, untagged) = (await KeyOfAsync(host, Choir), await KeyOfAsync(host, Untagged));

        var published = await DownloadAsync(host, choir, "?channel=newsletter");
        var otherChannel = await DownloadAsync(host, choir, "?channel=website");
        var quarantined = await DownloadAsync(host, untagged, "?channel=website");
        var unknown = await DownloadAsync(host, ItemKey.For("de-wilg/nothing.jpg", "0x0"), "?channel=website");
        var elsewhere = await host.AnswerAsync(host.Function<HttpApi>().DownloadItem(host.Query("?channel=newsletter"), "het-anker", choir, default));

        Assert.Equal(200, published.Status);
        foreach (var answer in new[] { otherChannel, quarantined, unknown, elsewhere })
        {
            Assert.Equal((404, "application/problem+json"), (answer.Status, answer.ContentType));
        }
    }

    [Fact]
    public async Task A_selection_downloads_as_a_zip_whose_entries_are_the_single_downloads_named_by_path_without_the_school()
    {
        await using var host = await StartAsync();
        await RegisterAsync(host);
        await ScreenFixtureAsync(host, Relay, "xmp-personinimage.jpg");
        await ScreenAsync(host, Finish, Tagged(0, "LL-1002"));
        var (relay, finish) = (await KeyOfAsync(host, Relay), await KeyOfAsync(host, Finish));

        var answer = await ZipAsync(host, $"?channel=Website&key={finish}&key={relay.ToUpperInvariant()}&key={finish}");

        Assert.Equal((200, "application/zip"), (answer.Status, answer.ContentType));
        var disposition = answer.Headers.ContentDisposition.ToString();
        Assert.StartsWith("attachment", disposition, StringComparison.Ordinal);
        Assert.Contains("filename=de-wilg-website-2026-11-27.zip", disposition, StringComparison.Ordinal);
        using var zip = new ZipArchive(new MemoryStream(answer.Bytes), ZipArchiveMode.Read);
        Assert.Equal(["sportdag/estafette.jpg", "sportdag/finish.jpg"], zip.Entries.Select(e => e.FullName));
        foreach (var (entry, key) in zip.Entries.Zip(new[] { relay, finish }))
        {
            using var content = new MemoryStream();
            await using (var stream = await entry.OpenAsync())
            {
                await stream.CopyToAsync(content);
            }

            var single = await DownloadAsync(host, key, "?channel=website");
            Assert.Equal(200, single.Status);
            Assert.Equal(single.Bytes, content.ToArray());
        }
    }

    [Fact]
    public async Task A_zip_with_a_quarantined_an_unpublished_or_an_unknown_item_is_404_naming_it_and_hands_out_nothing()
    {
        await using var host = await StartAsync();
        await RegisterAsync(host);
        await ScreenAsync(host, Finish, Tagged(0, "LL-1002"));
        await ScreenAsync(host, Choir, Tagged(1, "LL-1003"));
        await ScreenFixtureAsync(host, Untagged, "untagged.jpg");
        var (finish, choir, untagged) = (await KeyOfAsync(host, Finish), await KeyOfAsync(host, Choir), await KeyOfAsync(host, Untagged));
        var nothing = ItemKey.For("de-wilg/nothing.jpg", "0x0");

        var quarantined = await ZipAsync(host, $"?channel=website&key={finish}&key={untagged}");
        var otherChannel = await ZipAsync(host, $"?channel=website&key={choir}&key={finish}");
        var unknown = await ZipAsync(host, $"?channel=website&key={finish}&key={nothing}");
        var elsewhere = await host.AnswerAsync(host.Function<HttpApi>().DownloadItemsZip(host.Query($"?channel=website&key={finish}"), "het-anker", default));
        var newsletter = await ZipAsync(host, $"?channel=newsletter&key={choir}&key={finish}");

        foreach (var (answer, named) in new[] { (quarantined, untagged), (otherChannel, choir), (unknown, nothing), (elsewhere, finish) })
        {
            Assert.Equal((404, "application/problem+json"), (answer.Status, answer.ContentType));
            Assert.Contains(named, answer.Json().GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.False(answer.Headers.ContainsKey("Content-Disposition"), answer.ToString());
        }

        Assert.Equal((200, "application/zip"), (newsletter.Status, newsletter.ContentType));
        using var zip = new ZipArchive(new MemoryStream(newsletter.Bytes), ZipArchiveMode.Read);
        Assert.Equal(["kerst/koor.jpg", "sportdag/finish.jpg"], zip.Entries.Select(e => e.FullName));
    }

    [Fact]
    public async Task A_zip_of_no_keys_a_malformed_key_more_than_100_keys_or_no_channel_is_400_naming_the_field()
    {
        await using var host = await StartAsync();
        await RegisterAsync(host);
        await ScreenAsync(host, Finish, Tagged(0, "LL-1002"));
        var finish = await KeyOfAsync(host, Finish);
        var many = string.Concat(Enumerable.Range(0, 101).Select(i => $"&key={ItemKey.For($"de-wilg/p{i}.jpg", "0x0")}"));
        var hundred = string.Concat(Enumerable.Range(0, 99).Select(i => $"&key={ItemKey.For($"de-wilg/p{i}.jpg", "0x0")}"));

        Assert.Contains("key", (await ZipAsync(host, "?channel=website")).ValidationErrors().Keys);
        Assert.Contains("key", (await ZipAsync(host, $"?channel=website&key={finish}&key=not-a-key")).ValidationErrors().Keys);
        Assert.Contains("key", (await ZipAsync(host, $"?channel=website&key={finish[..31]}")).ValidationErrors().Keys);
        var tooMany = await ZipAsync(host, "?channel=website" + many);
        Assert.Contains("at most 100", Assert.Single(tooMany.ValidationErrors()["key"]), StringComparison.Ordinal);
        Assert.Contains("channel", (await ZipAsync(host, $"?key={finish}")).ValidationErrors().Keys);
        Assert.Contains("channel", (await ZipAsync(host, $"?channel=billboard&key={finish}")).ValidationErrors().Keys);
        Assert.Equal(404, (await ZipAsync(host, $"?channel=website&key={finish}" + hundred)).Status); // 100 keys are taken; 99 are no items
    }

    [Fact]
    public async Task After_a_withdrawal_has_taken_an_item_down_it_is_no_longer_downloaded()
    {
        var clock = new FixedClock(ScreenedAt);
        await using var host = await StartAsync(clock);
        await RegisterAsync(host);
        await ScreenAsync(host, Finish, Tagged(0, "LL-1002"));
        var key = await KeyOfAsync(host, Finish);
        Assert.Equal(200, (await DownloadAsync(host, key, "?channel=website")).Status);
        clock.Now = ScreenedAt.AddHours(1);

        Assert.Equal(200, (await host.AnswerAsync(host.Function<HttpApi>().WithdrawConsent(host.Request(), "de-wilg", "LL-1002", default))).Status);
        Assert.Equal((1, 0), await DrainRescreensAsync(host));
        var answer = await DownloadAsync(host, key, "?channel=website");

        Assert.Equal((404, "application/problem+json"), (answer.Status, answer.ContentType));
        Assert.False(await host.Services.GetRequiredService<MediaStorage>().Approved.GetBlobClient(Finish).ExistsAsync());
    }

    [Fact]
    public async Task A_rescreen_after_a_withdrawal_written_straight_to_the_register_takes_the_item_down_as_a_rescreen_request()
    {
        var clock = new FixedClock(ScreenedAt);
        await using var host = await StartAsync(clock);
        await RegisterAsync(host);
        await ScreenAsync(host, Finish, Tagged(0, "LL-1002"));
        var key = await KeyOfAsync(host, Finish);
        var storage = host.Services.GetRequiredService<MediaStorage>();
        clock.Now = ScreenedAt.AddHours(1);
        await host.Services.GetRequiredService<TableConsentRegister>().WithdrawAsync("de-wilg", "LL-1002", null, new DateOnly(2026, 11, 27), "test", default);
        Assert.Empty((await storage.RescreenQueue.PeekMessagesAsync()).Value);
        Assert.True(await storage.Approved.GetBlobClient(Finish).ExistsAsync()); // nothing has screened it again yet

        var answer = await RescreenAsync(host, key);

        Assert.Equal(200, answer.Status);
        var item = answer.Json();
        Assert.Equal((key, Finish, "quarantined"), (item.GetProperty("item_key").GetString(), item.GetProperty("path").GetString(), item.GetProperty("state").GetString()));
        Assert.Contains(item.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "consent-withdrawn");
        Assert.False(await storage.Approved.GetBlobClient(Finish).ExistsAsync());
        var last = (await host.Services.GetRequiredService<ItemCatalog>().TrailAsync("de-wilg", key, default))[^1];
        Assert.Equal("rescreen-request", last.Trigger);
        var audit = (await host.AnswerAsync(host.Function<HttpApi>().ItemAudit(host.Request(), "de-wilg", key, default))).Json();
        var decision = audit.GetProperty("decisions").EnumerateArray().Last();
        Assert.Equal(("rescreen-request", "quarantined"), (decision.GetProperty("trigger").GetString(), decision.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task A_rescreen_after_consent_granted_straight_in_the_register_approves_a_photo_quarantined_for_want_of_it()
    {
        var clock = new FixedClock(ScreenedAt);
        await using var host = await StartAsync(clock);
        await ScreenAsync(host, Finish, Tagged(0, "LL-1002"));
        var key = await KeyOfAsync(host, Finish);
        var storage = host.Services.GetRequiredService<MediaStorage>();
        var before = await host.Services.GetRequiredService<ItemCatalog>().GetAsync("de-wilg", key, default);
        Assert.Equal("quarantined", before!.State.StateName);
        Assert.False(await storage.Approved.GetBlobClient(Finish).ExistsAsync());
        clock.Now = ScreenedAt.AddHours(1);
        await host.Services.GetRequiredService<TableConsentRegister>().ImportAsync([Records.Valid("de-wilg", "LL-1002", "Noah Bakker")], "test", default);
        Assert.Empty((await storage.RescreenQueue.PeekMessagesAsync()).Value);

        var answer = await RescreenAsync(host, key);

        // The tags now allow it, and its faces were never looked at (it was quarantined by its tags): it waits for them.
        Assert.Equal(200, answer.Status);
        Assert.Equal(("screening", true), (answer.Json().GetProperty("state").GetString(), answer.Json().GetProperty("awaits_faces").GetBoolean()));
        Assert.False(await storage.Approved.GetBlobClient(Finish).ExistsAsync());
        Assert.Equal(1, await host.DrainImagingAsync());
        var after = (await host.Services.GetRequiredService<ItemCatalog>().GetAsync("de-wilg", key, default))!.State;
        Assert.Equal("approved", after.StateName);
        Assert.Equal(["newsletter", "parentportal", "schoolguide", "socialmedia", "website"], after.Channels);
        Assert.True(await storage.Approved.GetBlobClient(Finish).ExistsAsync());
        Assert.Equal(200, (await DownloadAsync(host, key, "?channel=website")).Status);
        var trail = await host.Services.GetRequiredService<ItemCatalog>().TrailAsync("de-wilg", key, default);
        Assert.Equal(["upload", "faces"], trail.Select(d => d.Trigger));
    }

    [Fact]
    public async Task A_rescreen_of_an_unknown_or_another_schools_item_is_404_and_of_a_malformed_key_400()
    {
        await using var host = await StartAsync();
        await RegisterAsync(host);
        await ScreenAsync(host, Finish, Tagged(0, "LL-1002"));
        var key = await KeyOfAsync(host, Finish);

        var unknown = await RescreenAsync(host, ItemKey.For("de-wilg/nothing.jpg", "0x0"));
        var elsewhere = await host.AnswerAsync(host.Function<HttpApi>().RescreenItem(host.Request(), "het-anker", key, default));
        var malformed = await RescreenAsync(host, "not-a-key");
        var tooShort = await RescreenAsync(host, key[..31]);

        Assert.Equal((404, "application/problem+json"), (unknown.Status, unknown.ContentType));
        Assert.Equal((404, "application/problem+json"), (elsewhere.Status, elsewhere.ContentType));
        Assert.Contains("item_key", malformed.ValidationErrors().Keys);
        Assert.Contains("item_key", tooShort.ValidationErrors().Keys);
        Assert.Single(await host.Services.GetRequiredService<ItemCatalog>().TrailAsync("de-wilg", key, default));
    }

    private Task<FunctionsHost> StartAsync(FixedClock? clock = null) => FunctionsHost.StartAsync(azurite, clock: clock ?? new FixedClock(ScreenedAt));

    /// <summary>Emma and Noah with consent for every channel, LL-1003 for the newsletter only; Noah at het-anker too.</summary>
    private static Task RegisterAsync(FunctionsHost host) =>
        host.Services.GetRequiredService<TableConsentRegister>().ImportAsync(
        [
            Records.Valid("de-wilg", "LL-1001", "Emma de Vries"),
            Records.Valid("de-wilg", "LL-1002", "Noah Bakker"),
            Records.Valid("de-wilg", "LL-1003", "Sanne Jansen", "newsletter"),
            Records.Valid("het-anker", "LL-1002", "Noah Bakker"),
        ], "test", default);

    /// <summary>A JPEG tagged with subject IDs, its image data <paramref name="variant"/> bytes longer so each is its own file.</summary>
    private static byte[] Tagged(int variant, params string[] subjects) => MediaBuilder.Jpeg(MediaBuilder.Xmp(MediaBuilder.DcSubject(subjects)), 16 + variant);

    private static async Task ScreenAsync(FunctionsHost host, string path, byte[] content)
    {
        var uploads = host.Services.GetRequiredService<MediaStorage>().Uploads;
        await uploads.UploadAsync(path, content);
        await host.Function<ScreenUpload>().RunAsync(uploads.GetBlobClient(path), path, default);
        await host.DrainImagingAsync(); // an image the tags would publish is decided with its faces
    }

    private static async Task ScreenFixtureAsync(FunctionsHost host, string path, string fixture)
    {
        var uploads = host.Services.GetRequiredService<MediaStorage>().Uploads;
        await uploads.UploadFixtureAsync(path, fixture);
        await host.Function<ScreenUpload>().RunAsync(uploads.GetBlobClient(path), path, default);
        await host.DrainImagingAsync();
    }

    private static async Task<(int Handled, int Failed)> DrainRescreensAsync(FunctionsHost host)
    {
        var rescreen = host.Function<RescreenItems>();
        return await QueueDrain.RunMessagesAsync(host.Services.GetRequiredService<MediaStorage>().RescreenQueue, async (m, ct) =>
        {
            await rescreen.RunAsync(m.MessageText, m.DequeueCount, ct);
            return QueueDrain.Handling.Handled;
        }, 1, default);
    }

    private static Task<HttpAnswer> ListAsync(FunctionsHost host, string query) =>
        host.AnswerAsync(host.Function<HttpApi>().ListItems(host.Query(query), "de-wilg", default));

    private static Task<HttpAnswer> DownloadAsync(FunctionsHost host, string key, string? query) =>
        host.AnswerAsync(host.Function<HttpApi>().DownloadItem(query is null ? host.Request() : host.Query(query), "de-wilg", key, default));

    private static Task<HttpAnswer> ZipAsync(FunctionsHost host, string query) =>
        host.AnswerAsync(host.Function<HttpApi>().DownloadItemsZip(host.Query(query), "de-wilg", default));

    private static Task<HttpAnswer> RescreenAsync(FunctionsHost host, string key) =>
        host.AnswerAsync(host.Function<HttpApi>().RescreenItem(host.Request(), "de-wilg", key, default));

    private static string Padded(string base64Url) =>
        base64Url.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (base64Url.Length % 4)) % 4);

    private static List<string?> Paths(HttpAnswer answer) => [.. answer.Json().GetProperty("items").EnumerateArray().Select(i => i.GetProperty("path").GetString())];

    private static List<string?> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString())];

    private static async Task<string> KeyOfAsync(FunctionsHost host, string location) =>
        (await host.Services.GetRequiredService<ItemCatalog>().ListAsync("de-wilg", default)).Single(i => i.Location == location).ItemId;
}
