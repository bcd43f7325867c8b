using Kalisto.MediaGate.Cli.Demo;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>
/// The demo upload set on a storage account, as a newcomer gets it from the README: register imported,
/// uploads screened (the re-screens the import queued are left pending). Approved then: in de-wilg
/// <c>sportdag/estafette.jpg</c> and <c>groep8/lege-gang.jpg</c> (every channel), <c>musical/uitvoering.mp4</c>
/// (website, parentportal); in het-anker <c>excursie/dierentuin.jpg</c> (website, newsletter, parentportal).
/// Redacted: de-wilg <c>sportdag/finish.jpg</c> (the withdrawn subject's face hidden; every channel).
/// </summary>
internal static class DemoAccount
{
    public static readonly string[] ApprovedPaths =
    [
        "de-wilg/groep8/lege-gang.jpg",
        "de-wilg/musical/uitvoering.mp4",
        "de-wilg/sportdag/estafette.jpg",
        "het-anker/excursie/dierentuin.jpg",
    ];

    /// <summary>What the website may have: the approved items and the redacted one, in path order.</summary>
    public static readonly string[] WebsitePaths =
    [
        "de-wilg/groep8/lege-gang.jpg",
        "de-wilg/musical/uitvoering.mp4",
        "de-wilg/sportdag/estafette.jpg",
        "de-wilg/sportdag/finish.jpg",
        "het-anker/excursie/dierentuin.jpg",
    ];

    public static void Seed(string storage, string folder)
    {
        var uploads = Path.Combine(folder, "uploads");
        var csv = Path.Combine(folder, "consent.csv");
        DemoUploadSet.Write(uploads, csv);
        Run("consent", "import", csv, "--storage", storage);
        Run("upload", uploads, "--storage", storage);
        Run("screen", "--storage", storage, "--json");
    }

    /// <summary>Runs a command that must succeed.</summary>
    public static CommandLineRun Run(params string[] args)
    {
        var run = CommandLineRun.Of(args);
        Assert.True(run.ExitCode == 0, $"mediagate {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
        return run;
    }
}
