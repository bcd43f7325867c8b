using System.Globalization;
using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Decisions;

namespace Kalisto.MediaGate.Web.Pages;

/// <summary>What every page knows of its request: who, which school, in which language, and what the caller may there.</summary>
/// <param name="Caller">The signed-in caller.</param>
/// <param name="School">The school of the page (normalised), or empty on a page of no school.</param>
/// <param name="Language">Dutch (the default) or English.</param>
/// <param name="Permissions">What the caller may in <paramref name="School"/> (the menu shows those pages only).</param>
/// <param name="Path">The page's own path and query, to come back to (the language switch).</param>
public sealed record PageFrame(MediaGateCaller Caller, string School, CultureInfo Language, IReadOnlySet<Permission> Permissions, string Path)
{
    /// <summary>A text of the pages in the page's language.</summary>
    public string T(string key, params object[] args) => PageTexts.Text(key, Language, args);

    /// <summary>What a reason or hint code means and what to do about it, in the page's language.</summary>
    public string Explain(string code) => ReasonTexts.Explanation(code, Language);

    /// <summary>An item's state in plain words: one in <c>screening</c> that waits for its faces (SPEC §11) says so.</summary>
    public string State(string state, bool awaitsFaces) => T(awaitsFaces && state == "screening" ? "state.screening.faces" : "state." + state);

    /// <summary>After the explanation of <c>unidentified-face</c>: how many faces no tag accounts for; empty otherwise.</summary>
    public string FacesNote(string code, Api.FaceResource? faces) =>
        code == ReasonCode.UnidentifiedFace && faces is { Unidentified: > 0 } f ? $" ({T("faces.unidentified", f.Unidentified)})" : string.Empty;

    /// <summary>The language's short name (<c>nl</c>, <c>en</c>), for <c>lang</c> attributes.</summary>
    public string LanguageName => Language.TwoLetterISOLanguageName;

    /// <summary>The school's pages' root.</summary>
    public string SchoolRoot => $"{MediaGatePages.Root}/{School}";

    /// <summary>The school's API root.</summary>
    public string ApiRoot => $"{MediaGateApi.Root}/schools/{School}";
}
