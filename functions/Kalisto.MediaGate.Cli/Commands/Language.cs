using System.CommandLine;
using System.Globalization;
using Kalisto.MediaGate.Decisions;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary><c>--lang nl|en</c>: the language of explanations and summaries. JSON keeps the codes whatever the language.</summary>
internal static class Language
{
    public static Option<string?> Option()
    {
        var option = new Option<string?>("--lang")
        {
            Description = "Language of the explanations: nl or en (default: Dutch when the system language is Dutch, else English).",
        };
        option.AcceptOnlyFromAmong([.. ReasonTexts.Languages]);
        return option;
    }

    /// <summary>The language asked for, else that of the user's interface culture.</summary>
    public static CultureInfo Of(string? lang) => ReasonTexts.Language(lang, CultureInfo.CurrentUICulture);

    /// <summary>
    /// A reason as a person reads it: its code, its subject, and which tags gave it; for <c>unidentified-face</c>, how many
    /// faces no tag accounts for (<paramref name="unidentifiedFaces"/>, when the faces were looked at).
    /// </summary>
    public static string Describe(string code, string? subject, IEnumerable<ReasonTag>? tags, CultureInfo language, int? unidentifiedFaces = null)
    {
        var text = subject is null ? code : $"{code} ({subject})";
        if (code == ReasonCode.UnidentifiedFace && unidentifiedFaces is { } count)
        {
            text = $"{code} ({ReasonTexts.Label("unidentifiedfaces", language, count)})";
        }

        var where = tags is null ? string.Empty : ReasonTexts.Where(tags, language);
        return where.Length == 0 ? text : $"{text}: {where}";
    }

    /// <summary>An item's state as the tables show it: an item in <c>screening</c> that waits for its faces says so.</summary>
    public static string StateMarkup(string state, bool awaitsFaces, CultureInfo language) => awaitsFaces
        ? $"{DemoCommand.OutcomeMarkup(state)} [grey]({Spectre.Console.Markup.Escape(ReasonTexts.Label("awaitsfaces", language))})[/]"
        : DemoCommand.OutcomeMarkup(state);
}
