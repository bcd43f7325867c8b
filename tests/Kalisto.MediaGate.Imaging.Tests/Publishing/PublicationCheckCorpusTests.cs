using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Imaging.Publishing;
using Kalisto.MediaGate.Imaging.Tests.Stripping;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;
using Xunit.Abstractions;

namespace Kalisto.MediaGate.Imaging.Tests.Publishing;

/// <summary>
/// The outside corpus, stripped and then checked: a refusal is either a value that survived stripping (a
/// finding) or a false positive of the check. Skipped when the corpus is absent.
/// </summary>
public sealed class PublicationCheckCorpusTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Stripped_copies_of_the_corpus_are_checked()
    {
        var corpus = TestData.RequireCorpus();
        var files = new[] { "voorbeeld", "outside", "fuzz" }
            .SelectMany(d => Directory.GetFiles(Path.Combine(corpus, d), "*", SearchOption.AllDirectories))
            .Where(f => !f.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) && !f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        var reader = new TagReader();
        var records = new List<ConsentRecord>(CorpusRegister.Dutch());
        using (var csv = File.OpenRead(Path.Combine(corpus, "voorbeeld-consent.csv")))
        {
            records.AddRange(ConsentCsv.Read(csv, new ConsentOptions()).Records);
        }

        var originals = new List<(string File, byte[] Bytes, MediaFormat Format, bool Named, bool Fuzz)>();
        var people = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            var tags = reader.Read(new MemoryStream(bytes), Path.GetFileName(file));
            var fuzz = file.StartsWith(Path.Combine(corpus, "fuzz"), StringComparison.Ordinal);
            var names = fuzz ? [] : tags.Persons.Select(p => p.Value).OfType<string>().Where(CorpusRegister.IsNameLike).ToList();
            originals.Add((Path.GetRelativePath(corpus, file), bytes, tags.Format, names.Count > 0, fuzz));
            people.UnionWith(names);
        }

        records.AddRange(people.Select((name, i) => Records.Valid("voorbeeld", $"LL-{9000 + i}", name)));
        var identifiers = IdentifierSearch.For(records);
        output.WriteLine($"register: {identifiers.SubjectIds} IDs, {identifiers.DisplayNames} names ({people.Count} read from the corpus), {identifiers.UnsearchedValues} too short");

        var check = new PublicationCheck();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var refused = new List<string>();
        foreach (var (file, bytes, format, named, fuzz) in originals)
        {
            if (named)
            {
                // The check finds the names in the original: what it searches covers where real writers put them.
                var original = check.Check(new MemoryStream(bytes), format, identifiers, CancellationToken.None);
                Assert.False(original.Succeeded, $"{file}: the original's names were not found");
                outcomes["originals with names refused"] = outcomes.GetValueOrDefault("originals with names refused") + 1;
            }

            var (stripped, copy) = await StrippedCopy.StripAsync(bytes, format);
            string key;
            if (!stripped.Succeeded)
            {
                key = $"{format} not stripped";
            }
            else
            {
                var result = check.Check(new MemoryStream(copy), format, identifiers, CancellationToken.None);
                key = $"{format} {(result.Succeeded ? "passed" : "refused")}";
                if (!result.Succeeded)
                {
                    Assert.Equal("unreadable", result.ReasonCode);
                    output.WriteLine($"{file}: {result.Message}");

                    // A fuzzed file may be refused because a structure the stripper copies as it stands is
                    // damaged (the check fails closed); a real file must pass.
                    if (!fuzz || !result.Message!.StartsWith("the copy could not be checked", StringComparison.Ordinal))
                    {
                        refused.Add($"{file}: {result.Message}");
                    }
                }
            }

            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        foreach (var (key, count) in outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{key}: {count}");
        }

        // Every other refusal of a stripped copy is either a value that survived stripping or a false positive
        // of the check; both need a look, so the test names them.
        Assert.True(refused.Count == 0, string.Join(Environment.NewLine, refused));
    }
}

/// <summary>A register of realistic Dutch pupils and staff that appear in no corpus file.</summary>
internal static class CorpusRegister
{
    /// <summary>
    /// Person values of the corpus that could be a name in a register: letters, spaces, hyphens and
    /// apostrophes, words of at most 16 letters. This leaves out reference-image placeholders ("Person Shown 1
    /// (ref2019.1)", URLs) and the test value "abcdefghijklmnopqrstuvwxyz", which the ramp of a colour lookup
    /// table holds in UTF-16 (the check refuses that PNG for it, rightly so for such a register).
    /// </summary>
    public static bool IsNameLike(string value) =>
        System.Text.RegularExpressions.Regex.IsMatch(value, @"^\p{L}[\p{L}\p{M}' -]{2,39}$") && value.Split(' ').All(w => w.Length <= 16);

    public static IEnumerable<ConsentRecord> Dutch()
    {
        string[] names =
        [
            "Emma de Vries", "Noah Bakker", "Sanne Jansen", "Daan Visser", "Julia Smit", "Sem Meijer", "Tess de Boer",
            "Lucas Mulder", "Mila de Groot", "Finn Bos", "Zoë Vos", "Levi Peters", "Saar Hendriks", "Milan van Dijk",
            "Noor Dekker", "Jesse Brouwer", "Fenna de Wit", "Thijs Dijkstra", "Liv Smits", "Bram van den Berg",
            "Anouk van Leeuwen", "Ruben Kok", "Lotte Jacobs", "Sven de Haan", "Isa Vermeulen", "Jip van der Heijden",
            "Femke Willems", "Teun van der Linden", "Roos Schouten", "Gijs van Beek", "Maud Hoekstra", "Stijn Koster",
            "Eline Prins", "Joris Huisman", "Lieke Postma", "Wouter Kuipers", "Yara el Amrani", "Mohammed Yilmaz",
            "Ilse Verbeek", "Hanneke Bosman",
        ];
        return names.Select((name, i) => Records.Valid("voorbeeld", $"{(i % 5 == 4 ? "MW" : "LL")}-{1001 + i}", name));
    }
}
