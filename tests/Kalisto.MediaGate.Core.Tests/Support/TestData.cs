namespace Kalisto.MediaGate.Tests.Support;

/// <summary>Paths of the committed fixtures and of the optional outside corpus.</summary>
internal static class TestData
{
    public static string File(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);

    /// <summary>
    /// The outside compatibility corpus: <c>$MEDIAGATE_CORPUS</c>, else <c>../shared/corpus</c> from the
    /// repository root. Null when absent (a fresh clone): tests that need it skip.
    /// </summary>
    public static string? Corpus
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("MEDIAGATE_CORPUS");
            if (!string.IsNullOrEmpty(configured))
            {
                return Directory.Exists(configured) ? configured : null;
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (System.IO.File.Exists(Path.Combine(dir.FullName, "Kalisto.MediaGate.sln")))
                {
                    var corpus = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus"));
                    return Directory.Exists(corpus) ? corpus : null;
                }
            }

            return null;
        }
    }

    public static string RequireCorpus()
    {
        var corpus = Corpus;
        Skip.If(corpus is null, "The outside corpus (../shared/corpus or $MEDIAGATE_CORPUS) is absent; corpus tests skipped.");
        return corpus!;
    }
}
