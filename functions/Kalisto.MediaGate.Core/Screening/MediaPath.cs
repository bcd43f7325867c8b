using System.Globalization;
using System.Text;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Screening;

/// <summary>
/// An upload's name read as an item's path (SPEC §5): its school (the first segment) and the rest. A name
/// that cannot be read as one school's item is never read as another path: it is kept apart, under
/// <see cref="Unassigned"/>, with the reason why (<c>invalid-path</c>, <c>unknown-school</c>).
/// </summary>
/// <remarks>
/// The school segment is compared exactly after one normalisation: the ASCII letters A–Z become a–z. No
/// other character is folded or mapped, so a look-alike (the Kelvin sign for K, a dotted capital I, a
/// Cyrillic a) never becomes another school: it is no school code, and the upload is <c>unknown-school</c>.
/// </remarks>
public sealed record MediaPath
{
    /// <summary>
    /// The catalog partition and the folder of <c>quarantine</c> that hold uploads which belong to no school.
    /// No school can have this code (school codes begin with a letter or a digit).
    /// </summary>
    public const string Unassigned = "_unassigned";

    private MediaPath(string school, string relativePath, string? problem, string? why)
    {
        School = school;
        RelativePath = relativePath;
        Problem = problem;
        Why = why;
    }

    /// <summary>The school code, or <see cref="Unassigned"/>.</summary>
    public string School { get; }

    /// <summary>The path below the school; for an unassigned upload, the safe form of its whole name.</summary>
    public string RelativePath { get; }

    /// <summary><c>invalid-path</c> or <c>unknown-school</c> when the upload belongs to no school; else null.</summary>
    public string? Problem { get; }

    /// <summary>What is wrong with the name, for people (never the name itself).</summary>
    public string? Why { get; }

    /// <summary><c>{school}/{relative path}</c>: the name the item's copies are kept under.</summary>
    public string FullPath => $"{School}/{RelativePath}";

    /// <summary>
    /// Reads <c>school/folder/file.jpg</c>. <c>invalid-path</c> when a segment is <c>.</c> or <c>..</c>, the
    /// name holds a backslash or a control character, or there is no school segment (a file at the root, a
    /// name that begins with a slash); <c>unknown-school</c> when the first segment is no school code.
    /// A school code with no record in the register stays under its own name: the decision gives it
    /// <c>unknown-school</c> (<see cref="DecisionRules"/>), and once its register is imported the item is
    /// decided again like any other.
    /// </summary>
    public static MediaPath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (InvalidBecause(path) is { } why)
        {
            return new MediaPath(Unassigned, SafeName(path), ReasonCode.InvalidPath, why);
        }

        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var school = ConsentFields.NormaliseSchool(path[..slash]);
        return ConsentFields.IsSchoolCode(school)
            ? new MediaPath(school, path[(slash + 1)..], null, null)
            : UnknownSchool(path);
    }

    /// <summary>
    /// What an unassigned upload is decided on: its path's problem only. Its tags are not resolved (there is
    /// no register to resolve them in), so no reason about a subject misleads the person who reads it.
    /// </summary>
    public TagReadResult DecidedOn(TagReadResult tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return Problem is null
            ? throw new InvalidOperationException("The path belongs to a school.")
            : new TagReadResult { Kind = tags.Kind, Format = tags.Format, Problems = [new TagProblem(Problem, Why!)] };
    }

    /// <summary>
    /// Whether an HTTP client would send a request for this blob name to another name: .NET's <see cref="Uri"/>
    /// removes <c>.</c> and <c>..</c> segments (also percent-encoded ones) and reads a backslash as a slash.
    /// Such a blob can only be addressed with its name sent as it is.
    /// </summary>
    public static bool NeedsLiteralAddress(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Contains('\\', StringComparison.Ordinal) || name.Split('/').Any(s => s is "." or "..");
    }

    private static MediaPath UnknownSchool(string path) =>
        new(Unassigned, SafeName(path), ReasonCode.UnknownSchool, "the first folder is no school of the register");

    private static string? InvalidBecause(string path)
    {
        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "the name holds a backslash";
        }

        if (path.Any(char.IsControl))
        {
            return "the name holds a control character";
        }

        var segments = path.Split('/');
        if (segments.Any(s => s is "." or ".."))
        {
            return "the name has a '.' or '..' folder";
        }

        return segments.Length < 2 || segments[0].Length == 0 ? "the file is in no school's folder" : null;
    }

    /// <summary>
    /// A name that shows where the upload came from and that every client addresses as it is: <c>%</c>,
    /// backslashes, control characters and the dots of <c>.</c>/<c>..</c> segments are percent-encoded, and
    /// in the first segment every character outside printable ASCII too (so a look-alike school is visible).
    /// Written here because no library escapes exactly this: <see cref="Uri.EscapeDataString(string)"/>
    /// would also encode spaces and every non-ASCII letter of the folders below, which people must read.
    /// Distinct names stay distinct (the encoding is reversible).
    /// </summary>
    private static string SafeName(string path)
    {
        var segments = path.Split('/');
        var safe = new StringBuilder(path.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < segments.Length; i++)
        {
            if (i > 0)
            {
                safe.Append('/');
            }

            var segment = segments[i];
            if (segment is "." or "..")
            {
                safe.Append(segment.Replace(".", "%2E", StringComparison.Ordinal));
                continue;
            }

            foreach (var rune in segment.EnumerateRunes())
            {
                var escape = rune.Value is '%' or '\\' || Rune.IsControl(rune) || (i == 0 && (rune.Value < 0x20 || rune.Value > 0x7E));
                if (!escape)
                {
                    safe.Append(rune.ToString());
                    continue;
                }

                var length = rune.EncodeToUtf8(utf8);
                foreach (var b in utf8[..length])
                {
                    safe.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
        }

        return safe.Length == 0 ? "%00" : safe.ToString();
    }
}
