using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Kalisto.MediaGate.Web.Pages;

namespace Kalisto.MediaGate.Web.Tests.Pages;

/// <summary>The pages' words: every text in English and in Dutch, with the same places to fill in.</summary>
public sealed partial class PageTextsTests
{
    [Fact]
    public void Every_text_of_the_pages_is_in_english_and_in_dutch_with_the_same_placeholders()
    {
        var english = Texts(CultureInfo.InvariantCulture);
        var dutch = Texts(CultureInfo.GetCultureInfo("nl"));

        Assert.NotEmpty(english);
        Assert.Equal(english.Keys.Order(StringComparer.Ordinal), dutch.Keys.Order(StringComparer.Ordinal));
        Assert.All(english, e => Assert.True(
            Placeholders(e.Value).SetEquals(Placeholders(dutch[e.Key])),
            $"{e.Key}: '{e.Value}' and '{dutch[e.Key]}' do not fill in the same places."));
    }

    [Fact]
    public void A_text_with_its_values_filled_in_reads_in_the_pages_language()
    {
        Assert.Equal("Regel 3", PageTexts.Text("import.line", CultureInfo.GetCultureInfo("nl"), 3));
        Assert.Equal("Line 3", PageTexts.Text("import.line", CultureInfo.GetCultureInfo("en"), 3));
        Assert.Equal("no.such.text", PageTexts.Text("no.such.text", CultureInfo.GetCultureInfo("nl")));
    }

    [Fact]
    public void An_item_that_waits_for_its_faces_says_so_and_unidentified_faces_are_counted()
    {
        var frame = new PageFrame(new Kalisto.MediaGate.Access.MediaGateCaller("u", null, []), "de-wilg", CultureInfo.GetCultureInfo("nl"), new HashSet<Kalisto.MediaGate.Access.Permission>(), "/");

        Assert.Equal("Wordt nog gecontroleerd op gezichten", frame.State("screening", awaitsFaces: true));
        Assert.Equal("Wordt gecontroleerd", frame.State("screening", awaitsFaces: false));
        Assert.Equal(" (2 gezicht(en) zonder tag)", frame.FacesNote("unidentified-face", new Kalisto.MediaGate.Web.Api.FaceResource(3, 2)));
        Assert.Equal(string.Empty, frame.FacesNote("untagged", new Kalisto.MediaGate.Web.Api.FaceResource(3, 2)));
        Assert.Equal(string.Empty, frame.FacesNote("unidentified-face", null));
    }

    /// <summary>The texts of one resource file alone (no fallback to the English ones).</summary>
    private static Dictionary<string, string> Texts(CultureInfo culture)
    {
        var resources = new ResourceManager("Kalisto.MediaGate.Web.Pages.PageTexts", typeof(PageTexts).Assembly);
        var set = resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false);
        Assert.NotNull(set);
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
    }

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value)];

    [GeneratedRegex(@"\{\d+\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
