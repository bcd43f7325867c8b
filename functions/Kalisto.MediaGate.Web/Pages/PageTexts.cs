using System.Globalization;
using System.Resources;

namespace Kalisto.MediaGate.Web.Pages;

/// <summary>
/// The pages' words in English (<c>PageTexts.resx</c>) and Dutch (<c>PageTexts.nl.resx</c>), read with a
/// <see cref="ResourceManager"/> as the reason texts are (<see cref="Decisions.ReasonTexts"/>): translators edit the
/// resources with the usual tools. A missing text shows its key, never an exception.
/// </summary>
public static class PageTexts
{
    private static readonly ResourceManager Resources = new("Kalisto.MediaGate.Web.Pages.PageTexts", typeof(PageTexts).Assembly);

    /// <summary>The text of <paramref name="key"/> in <paramref name="language"/>, with <paramref name="args"/> filled in.</summary>
    public static string Text(string key, CultureInfo language, params object[] args)
    {
        ArgumentNullException.ThrowIfNull(key);
        var text = Resources.GetString(key, language) ?? key;
        return args.Length == 0 ? text : string.Format(language, text, args);
    }
}
