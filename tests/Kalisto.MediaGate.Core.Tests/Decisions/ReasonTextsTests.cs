using System.Globalization;
using System.Reflection;
using Kalisto.MediaGate.Decisions;

namespace Kalisto.MediaGate.Tests.Decisions;

public sealed class ReasonTextsTests
{
    public static TheoryData<string> Codes()
    {
        var codes = new TheoryData<string>();
        foreach (var type in new[] { typeof(ReasonCode), typeof(HintCode) })
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
            {
                codes.Add((string)field.GetRawConstantValue()!);
            }
        }

        return codes;
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Every_code_has_an_english_and_a_dutch_explanation(string code)
    {
        var english = ReasonTexts.ExactText(code, ReasonTexts.English);
        var dutch = ReasonTexts.ExactText(code, ReasonTexts.Dutch);

        Assert.False(string.IsNullOrWhiteSpace(english), $"no English text for {code}");
        Assert.False(string.IsNullOrWhiteSpace(dutch), $"no Dutch text for {code}");
        Assert.NotEqual(english, dutch);
        Assert.Equal(english, ReasonTexts.Explanation(code, ReasonTexts.English));
        Assert.Equal(dutch, ReasonTexts.Explanation(code, ReasonTexts.Dutch));
    }

    [Fact]
    public void Every_english_text_has_a_dutch_one()
    {
        var set = new System.Resources.ResourceManager("Kalisto.MediaGate.Decisions.ReasonTexts", typeof(ReasonTexts).Assembly)
            .GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)!;
        var keys = set.Cast<System.Collections.DictionaryEntry>().Select(e => (string)e.Key).ToList();

        Assert.Contains(ReasonCode.UnresolvedPerson, keys);
        Assert.All(keys, key => Assert.False(string.IsNullOrWhiteSpace(ReasonTexts.ExactText(key, ReasonTexts.Dutch)), key));
    }

    [Fact]
    public void The_tag_behind_a_reason_is_said_in_the_language_asked_for()
    {
        ReasonTag[] tags = [new("XMP Iptc4xmpExt:PersonInImage (APP1)", "Noah Baker"), new("XMP mwg-rs:Regions (APP1)", null)];

        Assert.Equal("“Noah Baker” in XMP Iptc4xmpExt:PersonInImage (APP1); a face without a name in XMP mwg-rs:Regions (APP1)", ReasonTexts.Where(tags, ReasonTexts.English));
        Assert.Equal("“Noah Baker” in XMP Iptc4xmpExt:PersonInImage (APP1); een gezicht zonder naam in XMP mwg-rs:Regions (APP1)", ReasonTexts.Where(tags, ReasonTexts.Dutch));
        Assert.Contains("toestemmingsregister", ReasonTexts.Explanation(ReasonCode.UnresolvedPerson, ReasonTexts.Dutch), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "nl-NL", "nl")]
    [InlineData(null, "nl-BE", "nl")]
    [InlineData(null, "nl", "nl")]
    [InlineData(null, "en-US", "en")]
    [InlineData(null, "de-DE", "en")]
    [InlineData(null, "", "en")]
    [InlineData("en", "nl-NL", "en")]
    [InlineData("nl", "en-GB", "nl")]
    public void The_language_is_dutch_for_nl_cultures_else_english_unless_asked(string? lang, string ui, string expected)
    {
        Assert.Equal(expected, ReasonTexts.Language(lang, CultureInfo.GetCultureInfo(ui)).Name);
    }
}
