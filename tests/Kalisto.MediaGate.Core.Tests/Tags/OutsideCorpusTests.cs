using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;
using Xunit.Abstractions;

namespace Kalisto.MediaGate.Tests.Tags;

/// <summary>
/// The tag reader measured against the outside corpus (SPEC §3.1 "Every packet, every page"): 250 real
/// files from 36 other projects. What exiftool reads in them at the §3.1 locations is committed in
/// <c>Data/outside-expected.json</c> (written by <c>scripts/outside-expectations.py</c>, which documents
/// the locations and the damage rule). Every person and keyword value exiftool reads must be read, at
/// each location exiftool reads it from; no file may have a problem where exiftool finds it whole;
/// nothing may throw. Skipped when the corpus is absent.
/// </summary>
public sealed class OutsideCorpusTests(ITestOutputHelper output)
{
    /// <summary>
    /// Misses whose cause is known and lies outside the readers this corpus measures, or is a product
    /// rule: (file, exiftool location or <c>problem</c>) with the reason. An entry that no longer misses
    /// fails <see cref="Totals_match_exiftool"/>, so the list can only shrink.
    /// </summary>
    private static readonly Dictionary<(string File, string Location), string> Known = [];

    private const string Problem = "problem";

    private static readonly Lazy<Expectations> Expected = new(Load);

    public static TheoryData<string> Files => [.. Expected.Value.Files.Keys.Order(StringComparer.Ordinal)];

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void File_gives_what_exiftool_reads(string file)
    {
        var outcome = Check(Outside(), file);

        var failures = outcome.Misses.Where(m => !m.IsKnown).ToList();
        Assert.True(failures.Count == 0, $"{file}:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Select(m => "  " + m))}");
        Skip.If(outcome.Misses.Count > 0, $"known misses: {string.Join("; ", outcome.Misses)}");
    }

    [SkippableFact]
    public void Totals_match_exiftool()
    {
        var corpus = Outside();
        var outcomes = Expected.Value.Files.Keys.Order(StringComparer.Ordinal).Select(f => Check(corpus, f)).ToList();
        var misses = outcomes.SelectMany(o => o.Misses).ToList();

        var unreadable = outcomes.Where(o => o.Problems.Count > 0).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"outside corpus, {outcomes.Count} files, exiftool {Expected.Value.Exiftool}: " +
            $"{Figure("persons", outcomes.Select(o => o.Expectation.Persons), misses, "person")}, " +
            $"{Figure("keywords", outcomes.Select(o => o.Expectation.Keywords), misses, "keyword")}, " +
            $"with a problem {unreadable.Count} ({unreadable.Count(o => o.Expectation.ExiftoolError is not null)} of them damaged according to exiftool), " +
            $"crashes {outcomes.Count(o => o.Crashed)}"));
        foreach (var o in unreadable)
        {
            output.WriteLine($"  problem: {o.File}: {string.Join("; ", o.Problems)} (exiftool: {o.Expectation.ExiftoolError ?? "no damage"})");
        }

        foreach (var miss in misses)
        {
            output.WriteLine($"  missed: {miss}");
        }

        var stale = Known.Keys
            .Where(k => !misses.Any(m => m.File == k.File && m.Locations.Contains(k.Location)))
            .Select(k => $"  {k.File}: nothing is missed at {k.Location} any more; remove it from {nameof(Known)}");
        var failures = misses.Where(m => !m.IsKnown).Select(m => "  " + m).Concat(stale).ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static string Figure(string what, IEnumerable<IReadOnlyList<ExpectedValue>> expected, List<Miss> misses, string kind)
    {
        var values = expected.Sum(e => e.Count);
        var locations = expected.Sum(e => e.Sum(v => v.From.Count));
        var valuesMissed = misses.Count(m => m.Kind == kind);
        var locationsMissed = misses.Where(m => m.Kind == kind || m.Kind == kind + " location").Sum(m => m.Locations.Count);
        return string.Create(CultureInfo.InvariantCulture,
            $"{what} found {values - valuesMissed} of {values} (at {locations - locationsMissed} of {locations} exiftool locations)");
    }

    private static string Outside()
    {
        var outside = Path.Combine(TestData.RequireCorpus(), "outside");
        Skip.IfNot(Directory.Exists(outside), $"The outside corpus ({outside}) is absent; outside corpus tests skipped.");
        return outside;
    }

    private static Outcome Check(string corpus, string file)
    {
        var expectation = Expected.Value.Files[file];
        var path = Path.Combine(corpus, file.Replace('/', Path.DirectorySeparatorChar));
        Assert.True(File.Exists(path), $"{file} is in outside-expected.json but not in the corpus");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        Assert.True(hash == expectation.Sha256, $"{file} changed since outside-expected.json was written: run scripts/outside-expectations.py");

        TagReadResult result;
        try
        {
            result = new TagReader().Read(stream, Path.GetFileName(path));
        }
#pragma warning disable CA1031 // A crash is what this test reports, by file.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new Outcome(file, expectation, [], true, [new Miss(file, "crash", e.GetType().Name, [Problem], e.Message)]);
        }

        var misses = new List<Miss>();
        var problems = result.Problems.Select(p => $"{p.Code}: {p.Message}").ToList();
        var damaged = expectation.ExiftoolError is not null;
        if (problems.Count > 0 && !damaged)
        {
            misses.Add(new Miss(file, Problem, string.Join(", ", result.Problems.Select(p => p.Code)), [Problem],
                $"{string.Join("; ", result.Problems.Select(p => p.Message))}; exiftool reads the file without errors"));
        }

        // Where both readers find the file damaged, failing closed is the answer: what it left unread is not a miss.
        if (problems.Count == 0 || !damaged)
        {
            var persons = result.Persons.SelectMany(p => (p.Alternatives ?? []).Prepend(p.Value ?? string.Empty).Select(v => (Value: v, p.Source))).ToList();
            misses.AddRange(Missed(file, "person", expectation.Persons, persons));
            misses.AddRange(Missed(file, "keyword", expectation.Keywords, [.. result.Keywords.Select(k => (k.Value, k.Source))]));
        }

        return new Outcome(file, expectation, problems, false, misses);
    }

    /// <summary>
    /// A value missed altogether, or missed at one of the locations exiftool read it from while found at
    /// another: the same keyword in XMP must not hide an IPTC block that is not read.
    /// </summary>
    private static IEnumerable<Miss> Missed(string file, string kind, IReadOnlyList<ExpectedValue> expected, List<(string Value, string Source)> found)
    {
        foreach (var value in expected)
        {
            var sources = found.Where(f => f.Value == value.Value).Select(f => f.Source).Distinct().ToList();
            if (sources.Count == 0)
            {
                yield return new Miss(file, kind, value.Value, value.From, "not read at all");
                continue;
            }

            foreach (var location in value.From.Where(l => !sources.Any(s => s.Contains(SourceToken(l), StringComparison.Ordinal))))
            {
                yield return new Miss(file, kind + " location", value.Value, [location], $"read only from {string.Join(", ", sources)}");
            }
        }
    }

    /// <summary>The part of the reader's source text that names the field exiftool calls <paramref name="location"/>.</summary>
    private static string SourceToken(string location) => location.Split(':') switch
    {
        ["XMP-dc", "Subject"] => "dc:subject",
        ["XMP-lr", "HierarchicalSubject"] => "lr:hierarchicalSubject",
        [_, "TagsList"] => "digiKam:TagsList",
        ["XMP-microsoft", var tag] => "MicrosoftPhoto:" + tag,
        [var group, "Keywords"] when group.StartsWith("IPTC", StringComparison.Ordinal) => "IPTC 2:25 Keywords",
        ["Keys", "Keywords"] => "com.apple.quicktime.keywords",
        [_, "XPKeywords"] => "XPKeywords",
        ["XMP-iptcExt", var tag] => tag,
        ["XMP-mwg-rs", _] => "mwg-rs:Regions",
        ["XMP-MP", _] => "MP:RegionInfo",
        _ => throw new InvalidOperationException($"no reader source is known for exiftool's {location}"),
    };

    private static Expectations Load()
    {
        var json = File.ReadAllText(TestData.File("outside-expected.json"), Encoding.UTF8);
        return JsonSerializer.Deserialize<Expectations>(json) ?? throw new InvalidOperationException("outside-expected.json is empty");
    }

    private sealed record Outcome(string File, FileExpectation Expectation, IReadOnlyList<string> Problems, bool Crashed, IReadOnlyList<Miss> Misses);

    /// <param name="File">The file, relative to the corpus' <c>outside/</c> folder.</param>
    /// <param name="Kind"><c>person</c>, <c>keyword</c> (not read at all), <c>person location</c>, <c>keyword location</c>, <c>problem</c>, <c>crash</c>.</param>
    /// <param name="Value">The value missed, or the problem codes.</param>
    /// <param name="Locations">The exiftool locations this miss stands for (or <c>problem</c>).</param>
    /// <param name="Detail">What was read instead, or the problem's message.</param>
    private sealed record Miss(string File, string Kind, string Value, IReadOnlyList<string> Locations, string Detail)
    {
        public bool IsKnown => Locations.All(l => Known.ContainsKey((File, l)));

        public override string ToString()
        {
            var known = string.Join("; ", Locations.Select(l => Known.GetValueOrDefault((File, l))).OfType<string>().Distinct());
            return $"{File}: {Kind} '{Value}' ({string.Join(", ", Locations)}: {Detail}){(known.Length > 0 ? " known: " + known : string.Empty)}";
        }
    }

    private sealed record Expectations(
        [property: JsonPropertyName("exiftool")] string Exiftool,
        [property: JsonPropertyName("files")] IReadOnlyDictionary<string, FileExpectation> Files);

    private sealed record FileExpectation(
        [property: JsonPropertyName("sha256")] string Sha256,
        [property: JsonPropertyName("persons")] IReadOnlyList<ExpectedValue> Persons,
        [property: JsonPropertyName("keywords")] IReadOnlyList<ExpectedValue> Keywords,
        [property: JsonPropertyName("exiftoolError")] string? ExiftoolError);

    private sealed record ExpectedValue(
        [property: JsonPropertyName("value")] string Value,
        [property: JsonPropertyName("from")] IReadOnlyList<string> From);
}
