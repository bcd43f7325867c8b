using System.Text.Json;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Commands;

public sealed class DemoCommandTests
{
    [Fact]
    public void Demo_screens_two_schools_with_every_kind_of_outcome_and_can_run_again()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mediagate-demo-" + Guid.NewGuid().ToString("N"));
        try
        {
            var first = CommandLineRun.Of("demo", "--out", dir);
            var again = CommandLineRun.Of("demo", "--out", dir);

            Assert.Equal(0, first.ExitCode);
            Assert.Equal(0, again.ExitCode);
            var decisions = File.ReadAllLines(Path.Combine(dir, "screened", "decisions.jsonl"))
                .Select(l => JsonDocument.Parse(l).RootElement)
                .ToDictionary(e => e.GetProperty("path").GetString()!, e => e);
            Assert.Equal(10, decisions.Count);
            Assert.Equal(["de-wilg", "het-anker"], decisions.Values.Select(d => d.GetProperty("school").GetString()).Distinct().Order());

            string Outcome(string path) => decisions[path].GetProperty("outcome").GetString()!;
            string[] Codes(string path) => [.. decisions[path].GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()!)];

            Assert.Equal("approved", Outcome("de-wilg/sportdag/estafette.jpg"));
            Assert.Equal("approved", Outcome("de-wilg/musical/uitvoering.mp4"));
            Assert.Equal(["parentportal", "website"], decisions["de-wilg/musical/uitvoering.mp4"].GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
            Assert.Equal(["consent-withdrawn"], Codes("de-wilg/sportdag/finish.jpg"));
            Assert.Equal(["consent-expired"], Codes("de-wilg/groep8/klassenfoto.jpg"));
            Assert.Equal(["untagged"], Codes("de-wilg/groep8/schoolplein.jpg"));
            Assert.Contains("unreadable", Codes("de-wilg/musical/kapot.jpg"));
            Assert.Equal(["unresolved-person"], Codes("het-anker/excursie/bus.jpg"));
            Assert.Equal(["unknown-subject"], Codes("het-anker/excursie/onbekend.jpg"));
            Assert.Contains("decisions.jsonl", first.Console, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void Demo_refuses_a_folder_it_did_not_make()
    {
        var dir = Directory.CreateTempSubdirectory("mediagate-not-demo-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "precious.txt"), "keep me");

            var run = CommandLineRun.Of("demo", "--out", dir.FullName);

            Assert.Equal(2, run.ExitCode);
            Assert.True(File.Exists(Path.Combine(dir.FullName, "precious.txt")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
