using System.Globalization;
using System.Text.RegularExpressions;
using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Web.Api;
using Kalisto.MediaGate.Web.Pages;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kalisto.MediaGate.Web.Tests.Pages;

/// <summary>
/// The gallery page as its handler renders it when the listing has more than one page: the links it leaves (the next
/// page, each card's download) keep the channel and filters the page was asked with.
/// </summary>
public sealed partial class GalleryPageTests
{
    private const string Key = "0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task The_more_link_keeps_the_channel_folder_and_dates_and_asks_for_the_next_page()
    {
        var html = await RenderAsync(folder: "sportdag/groep 8", from: "2026-09-01", to: "2026-09-30", next: "eyJwIjoiYSJ9+/=");

        Assert.Equal(
            "/app/de-wilg/gallery?channel=newsletter&folder=sportdag%2Fgroep%208&from=2026-09-01&to=2026-09-30&continuation=eyJwIjoiYSJ9%2B%2F%3D",
            Link(html, "Meer"));
    }

    [Fact]
    public async Task Without_a_next_page_there_is_no_more_link()
    {
        var html = await RenderAsync(folder: string.Empty, from: string.Empty, to: string.Empty, next: null);

        Assert.DoesNotContain(">Meer</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cards_download_goes_through_the_page_with_the_channel_and_the_filters_it_has()
    {
        var filtered = await RenderAsync(folder: "sportdag/groep 8", from: "2026-09-01", to: string.Empty, next: "x");
        var plain = await RenderAsync(folder: string.Empty, from: string.Empty, to: string.Empty, next: null);

        Assert.Equal($"/app/de-wilg/gallery/download?channel=newsletter&key={Key}&folder=sportdag%2Fgroep%208&from=2026-09-01", Link(filtered, "Downloaden"));
        Assert.Equal($"/app/de-wilg/gallery/download?channel=newsletter&key={Key}", Link(plain, "Downloaden"));
        Assert.DoesNotContain("/download\" download", plain, StringComparison.Ordinal); // a refusal must come back as a page, not a saved file
    }

    [Theory]
    [InlineData(5, 3, 2)]
    [InlineData(4, 0, 2)]
    [InlineData(0, 5, 2)]
    [InlineData(2, 2, 2)]
    [InlineData(3, 4, 200)]
    public async Task Paging_through_the_gallery_lists_every_approved_and_redacted_item_once(int approved, int redacted, int pageSize)
    {
        var items = new Dictionary<string, ItemResource[]>
        {
            ["approved"] = [.. Enumerable.Range(0, approved).Select(i => Item($"a{i}", "approved"))],
            ["redacted"] = [.. Enumerable.Range(0, redacted).Select(i => Item($"r{i}", "redacted"))],
        };
        Task<ItemPageResource?> List(string state, string? at)
        {
            // As the items listing pages: an opaque continuation of its own (here the offset), null after the last.
            var from = at is null ? 0 : int.Parse(at, CultureInfo.InvariantCulture);
            var page = items[state].Skip(from).Take(pageSize).ToList();
            var next = from + pageSize < items[state].Length ? (from + pageSize).ToString(CultureInfo.InvariantCulture) : null;
            return Task.FromResult<ItemPageResource?>(new ItemPageResource(page, next));
        }

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            (var page, continuation) = await MediaGatePages.GalleryItemsAsync(continuation, List, _ => true, enough: pageSize, lists: 1);
            seen.AddRange(page.Select(i => i.ItemKey));
            pages++;
        }
        while (continuation is not null && pages < 100);

        Assert.Equal(items["approved"].Concat(items["redacted"]).Select(i => i.ItemKey), seen);
        Assert.Null(continuation);
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("deleted:3")]
    [InlineData(":3")]
    public async Task A_continuation_of_no_gallery_state_starts_over(string continuation)
    {
        var asked = new List<(string, string?)>();
        var (page, next) = await MediaGatePages.GalleryItemsAsync(continuation, (state, at) =>
        {
            asked.Add((state, at));
            return Task.FromResult<ItemPageResource?>(new ItemPageResource([Item(state, state)], null));
        }, _ => true);

        Assert.Equal([("approved", null), ("redacted", null)], asked);
        Assert.Equal(["approved", "redacted"], page.Select(i => i.ItemKey));
        Assert.Null(next);
    }

    [Fact]
    public async Task A_filter_that_keeps_few_items_fills_the_page_from_further_listings_and_pages_on_where_it_stopped()
    {
        // 30 approved items a listing of 4 at a time; the filter keeps every fifth (a0, a5, …, a25).
        var approved = Enumerable.Range(0, 30).Select(i => Item($"a{i}", "approved")).ToArray();
        var listings = 0;
        Task<ItemPageResource?> List(string state, string? at)
        {
            listings++;
            var from = at is null ? 0 : int.Parse(at, CultureInfo.InvariantCulture);
            var items = state == "approved" ? approved : [];
            return Task.FromResult<ItemPageResource?>(new ItemPageResource(
                [.. items.Skip(from).Take(4)], from + 4 < items.Length ? (from + 4).ToString(CultureInfo.InvariantCulture) : null));
        }

        static bool Keep(ItemResource i) => int.Parse(i.ItemKey[1..], CultureInfo.InvariantCulture) % 5 == 0;

        var (first, next) = await MediaGatePages.GalleryItemsAsync(null, List, Keep, enough: 3);
        var (second, then) = await MediaGatePages.GalleryItemsAsync(next, List, Keep, enough: 3);
        var (third, end) = await MediaGatePages.GalleryItemsAsync(then, List, Keep, enough: 3);

        Assert.Equal(["a0", "a5", "a10"], first.Select(i => i.ItemKey)); // three listings (a0–a11) before three were kept
        Assert.Equal("approved:12", next);
        Assert.Equal(["a15", "a20", "a25"], second.Select(i => i.ItemKey)); // four more (a12–a27)
        Assert.Equal("approved:28", then);
        Assert.Empty(third); // a28, a29, then the redacted ones (none)
        Assert.Null(end);
        Assert.Equal(3 + 4 + 2, listings);
    }

    private static ItemResource Item(string key, string state) =>
        new(key, $"de-wilg/sportdag/{key}.jpg", state, ["newsletter"], [], ["LL-1001"], null, null, "2026-09-10T10:00:00Z");

    /// <summary>The gallery of de-wilg on the newsletter channel with two items, in Dutch, as HTML.</summary>
    private static async Task<string> RenderAsync(string folder, string from, string to, string? next)
    {
        var frame = new PageFrame(
            new MediaGateCaller("communications@de-wilg", null, [new SchoolRole(Role.Communications, "de-wilg")]),
            "de-wilg",
            CultureInfo.GetCultureInfo("nl"),
            RolePermissions.Of(Role.Communications),
            "/app/de-wilg/gallery");
        var items = new List<ItemResource>
        {
            new(Key, "de-wilg/sportdag/groep 8/estafette.jpg", "approved", ["newsletter", "website"], [], ["LL-1001"], null, null, "2026-09-10T10:00:00Z"),
            new("fedcba9876543210fedcba9876543210", "de-wilg/sportdag/groep 8/finish.jpg", "approved", ["newsletter"], [], ["LL-1002"], null, null, "2026-09-10T10:05:00Z"),
        };
        await using var services = new ServiceCollection().AddSingleton(NullLoggerFactory.Instance).AddLogging().BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<GalleryPage>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                ["Frame"] = frame,
                ["Channels"] = new[] { "website", "newsletter" },
                ["Channel"] = "newsletter",
                ["Folder"] = folder,
                ["From"] = from,
                ["To"] = to,
                ["Items"] = items,
                ["Next"] = next,
            }))).ToHtmlString());
    }

    /// <summary>The address of the first link named <paramref name="text"/>, as the browser reads it (entities decoded).</summary>
    private static string Link(string html, string text)
    {
        var match = Anchor().Matches(html).FirstOrDefault(m => m.Groups["text"].Value == text);
        Assert.True(match is not null, $"The page has no link {text}.");
        return System.Net.WebUtility.HtmlDecode(match.Groups["href"].Value);
    }

    [GeneratedRegex("<a [^>]*href=\"(?<href>[^\"]*)\"[^>]*>(?<text>[^<]*)</a>", RegexOptions.CultureInvariant)]
    private static partial Regex Anchor();
}
