using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Kalisto.MediaGate.Csv;

/// <summary>
/// The product's one rule for CSV cells that a spreadsheet would run as a formula (OWASP "CSV injection"):
/// every CSV the product writes goes through <see cref="CreateWriter"/>, and every import of such a CSV
/// reads its cells back through <see cref="Restore"/>.
/// <list type="bullet">
/// <item>Export: a value that matches <c>^'*[=+\-@\t\r]</c> is written with one more leading <c>'</c>
/// (<c>=HYPERLINK(…)</c> → <c>'=HYPERLINK(…)</c>, <c>'=x</c> → <c>''=x</c>) and quoted; a spreadsheet
/// shows such a cell as text.</item>
/// <item>Import: a cell that matches <c>^'+[=+\-@\t\r]</c> loses one leading <c>'</c>.</item>
/// </list>
/// Every other value is left alone both ways, so <c>'t Hooft</c>, <c>'s-Gravenhage</c> and <c>LL-1001</c>
/// are written and read as they are. <see cref="Neutralise"/> is one-to-one and never yields a cell that
/// starts with a formula character; <see cref="Restore"/> undoes it exactly
/// (<c>Restore(Neutralise(v)) == v</c> for every <c>v</c>). A cell that starts with a formula character
/// (made by hand, not by an export) is read as it is.
/// </summary>
public static class CsvCells
{
    /// <summary>The character put before a formula-leading value: a spreadsheet's "this is text" mark.</summary>
    public const char Escape = '\'';

    /// <summary>The characters that make a spreadsheet take a cell for a formula when it starts with one (OWASP).</summary>
    public static IReadOnlyList<char> FormulaCharacters { get; } = ['=', '+', '-', '@', '\t', '\r'];

    private static readonly char[] Formula = [.. FormulaCharacters];

    /// <summary>Whether <paramref name="value"/> matches <c>^'*[=+\-@\t\r]</c>: any <c>'</c>, then a formula character.</summary>
    public static bool IsFormulaLeading(string? value)
    {
        if (value is null)
        {
            return false;
        }

        var first = value.AsSpan().TrimStart(Escape);
        return first.Length > 0 && Formula.Contains(first[0]);
    }

    /// <summary>The cell text written for <paramref name="value"/> (before CSV quoting): one <c>'</c> more when it is formula-leading.</summary>
    public static string Neutralise(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return IsFormulaLeading(value) ? Escape + value : value;
    }

    /// <summary>The value of a cell read from a CSV (after CSV unquoting): one <c>'</c> less when it matches <c>^'+[=+\-@\t\r]</c>.</summary>
    public static string Restore(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.Length > 1 && cell[0] == Escape && IsFormulaLeading(cell) ? cell[1..] : cell;
    }

    /// <summary>
    /// The writer of every CSV the product writes: invariant culture, RFC 4180 quoting, and every field written as
    /// <see cref="Neutralise"/> gives it. Leaves <paramref name="text"/> open unless told otherwise.
    /// </summary>
    public static CsvWriter CreateWriter(TextWriter text, bool leaveOpen = true) => new NeutralisingCsvWriter(text, WriterConfiguration(), leaveOpen);

    /// <summary>
    /// CsvHelper's own escape of a value that starts with a formula character (<see cref="InjectionOptions.Escape"/>:
    /// a leading <c>'</c>, the cell quoted); <see cref="NeutralisingCsvWriter"/> adds what it leaves out.
    /// </summary>
    private static CsvConfiguration WriterConfiguration() => new(CultureInfo.InvariantCulture)
    {
        InjectionOptions = InjectionOptions.Escape,
        InjectionCharacters = [.. Formula],
        InjectionEscapeCharacter = Escape,
    };

    /// <summary>
    /// CsvHelper 33's escape only looks at the first character: it writes <c>=x</c> as <c>'=x</c> but <c>'=x</c>
    /// as it is, so an import could not tell the two apart. This writer gives a value that already starts with
    /// <c>'</c> before a formula character one more <c>'</c> (and quotes it, as CsvHelper quotes what it escapes);
    /// CsvHelper escapes the rest.
    /// </summary>
    private sealed class NeutralisingCsvWriter(TextWriter text, CsvConfiguration configuration, bool leaveOpen)
        : CsvWriter(text, configuration, leaveOpen)
    {
        public override void WriteField(string? field, bool shouldQuote)
        {
            if (field is { Length: > 1 } && field[0] == Escape && IsFormulaLeading(field))
            {
                base.WriteField(Escape + field, shouldQuote: true);
                return;
            }

            base.WriteField(field, shouldQuote);
        }
    }
}
