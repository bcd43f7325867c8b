using System.Globalization;
using System.Resources;

namespace Kalisto.MediaGate.Decisions;

/// <summary>
/// Plain-language texts for people: what each reason code and hint code means and what to do about it, and
/// how to say which tag gave it, in English and Dutch. The codes stay the contract (JSON keeps them); these
/// texts are what a teacher reads.
/// </summary>
/// <remarks>
/// The texts are .NET resources (<c>ReasonTexts.resx</c> English, <c>ReasonTexts.nl.resx</c> Dutch) read with a
/// <see cref="ResourceManager"/>, the standard localisation of .NET: translators edit them with the usual
/// tools, ASP.NET Core's <c>IStringLocalizer</c> reads the same resources for the web app, and the Dutch
/// satellite assembly (<c>nl/Kalisto.MediaGate.Core.resources.dll</c>) goes with every project that references
/// Core. Nothing is loaded until a text is asked for, so a command that shows none pays nothing.
/// </remarks>
public static class ReasonTexts
{
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    public static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl");

    private static readonly ResourceManager Resources = new("Kalisto.MediaGate.Decisions.ReasonTexts", typeof(ReasonTexts).Assembly);

    /// <summary>The languages there are texts in, by their <c>--lang</c> name.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["nl", "en"];

    /// <summary>
    /// The language for <paramref name="lang"/> (<c>nl</c> or <c>en</c>), or when it is null the one of
    /// <paramref name="uiCulture"/>: Dutch for every <c>nl*</c> culture, else English.
    /// </summary>
    public static CultureInfo Language(string? lang, CultureInfo uiCulture)
    {
        ArgumentNullException.ThrowIfNull(uiCulture);
        var name = lang ?? uiCulture.Name;
        return name.Equals("nl", StringComparison.OrdinalIgnoreCase) || name.StartsWith("nl-", StringComparison.OrdinalIgnoreCase) ? Dutch : English;
    }

    /// <summary>What a reason code or hint code means and what to do; the code itself when there is no text for it.</summary>
    public static string Explanation(string code, CultureInfo language)
    {
        ArgumentNullException.ThrowIfNull(code);
        return Text(code, language) ?? code;
    }

    /// <summary>Which tags gave a reason, e.g. <c>“Noah Baker” in XMP Iptc4xmpExt:PersonInImage (APP1)</c>; empty when none did.</summary>
    public static string Where(IEnumerable<ReasonTag> tags, CultureInfo language)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return string.Join("; ", tags.Select(t => t.Value is null
            ? Format("tag.unnamed", language, t.Tag)
            : Format("tag.value", language, t.Value, t.Tag)));
    }

    /// <summary>Which tag a hint is about, and the subject whose registered name it is, when it is one.</summary>
    public static string Where(Hint hint, CultureInfo language)
    {
        ArgumentNullException.ThrowIfNull(hint);
        var where = Format("tag.value", language, hint.Value, hint.Tag);
        return hint.Subject is null ? where : $"{where} ({Format("tag.subject", language, hint.Subject)})";
    }

    /// <summary>A label of the command line's tables, or a sentence with <paramref name="args"/> filled in.</summary>
    public static string Label(string name, CultureInfo language, params object[] args)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Format("label." + name, language, args);
    }

    /// <summary>The text of <paramref name="key"/> in <paramref name="language"/> itself, without falling back to English.</summary>
    public static string? ExactText(string key, CultureInfo language)
    {
        ArgumentNullException.ThrowIfNull(language);
        var set = Resources.GetResourceSet(language.Equals(English) ? CultureInfo.InvariantCulture : language, createIfNotExists: true, tryParents: false);
        return set?.GetString(key);
    }

    private static string Format(string key, CultureInfo language, params object[] args) =>
        string.Format(language, Text(key, language) ?? key, args);

    private static string? Text(string key, CultureInfo language)
    {
        ArgumentNullException.ThrowIfNull(language);
        return Resources.GetString(key, language);
    }
}
