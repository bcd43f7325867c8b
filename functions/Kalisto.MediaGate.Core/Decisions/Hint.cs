namespace Kalisto.MediaGate.Decisions;

/// <summary>
/// Something in the tags that does not change the decision but is likely a mistake, for the person screening:
/// for example a person's name typed as a keyword, which SPEC §3.2 ignores (keywords count only as subject IDs).
/// </summary>
/// <param name="Code">A <see cref="HintCode"/>.</param>
/// <param name="Tag">Where the tag was found, as <c>inspect</c> shows it.</param>
/// <param name="Value">The value as tagged (personal data: shown to the person screening, never logged).</param>
/// <param name="Subject">The subject whose registered display name the value is, when exactly one is.</param>
public sealed record Hint(string Code, string Tag, string Value, string? Subject = null);

/// <summary>The hint codes. Like reason codes, they are part of the output's contract.</summary>
public static class HintCode
{
    /// <summary>A keyword that is, or looks like, a person's name: names belong in a person field.</summary>
    public const string NameInKeyword = "name-in-keyword";
}
