namespace Kalisto.MediaGate.Access;

/// <summary>
/// One role for one school: <see cref="School"/> is a normalised school code, or <see cref="AllSchools"/> for
/// every school of the foundation.
/// </summary>
public sealed record SchoolRole(Role Role, string School)
{
    /// <summary>The school entry that stands for every school of the foundation.</summary>
    public const string AllSchools = "*";

    /// <summary>Whether this grant covers <paramref name="school"/> (already normalised and a school code).</summary>
    public bool Covers(string school) => School == AllSchools || string.Equals(School, school, StringComparison.Ordinal);
}
