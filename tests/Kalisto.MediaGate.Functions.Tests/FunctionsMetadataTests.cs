using System.Text.Json;

namespace Kalisto.MediaGate.Functions.Tests;

/// <summary>The bindings the worker SDK generated: what the Functions host will actually listen to.</summary>
public sealed class FunctionsMetadataTests
{
    [Fact]
    public void ScreenUpload_is_an_event_grid_blob_trigger_on_uploads_through_MediaStorage()
    {
        var binding = Binding("ScreenUpload", "blobTrigger");

        Assert.Equal("uploads/{name}", binding.GetProperty("path").GetString());
        Assert.Equal("EventGrid", binding.GetProperty("source").GetString());
        Assert.Equal("MediaStorage", binding.GetProperty("connection").GetString());
        Assert.Equal("In", binding.GetProperty("direction").GetString());
    }

    [Fact]
    public void RedactImage_listens_to_the_redact_queue_through_MediaStorage()
    {
        var binding = Binding("RedactImage", "queueTrigger");

        Assert.Equal("redact", binding.GetProperty("queueName").GetString());
        Assert.Equal("MediaStorage", binding.GetProperty("connection").GetString());
    }

    [Fact]
    public void MakePreview_listens_to_the_previews_queue_through_MediaStorage()
    {
        var binding = Binding("MakePreview", "queueTrigger");

        Assert.Equal("previews", binding.GetProperty("queueName").GetString());
        Assert.Equal("MediaStorage", binding.GetProperty("connection").GetString());
    }

    [Fact]
    public void RescreenItems_listens_to_the_rescreen_queue_and_ExpireConsents_runs_nightly()
    {
        var rescreen = Binding("RescreenItems", "queueTrigger");
        var timer = Binding("ExpireConsents", "timerTrigger");

        Assert.Equal("rescreen", rescreen.GetProperty("queueName").GetString());
        Assert.Equal("MediaStorage", rescreen.GetProperty("connection").GetString());
        Assert.Equal("0 30 2 * * *", timer.GetProperty("schedule").GetString());
    }

    [Fact]
    public void SweepConsentOutbox_runs_every_five_minutes()
    {
        Assert.Equal("0 */5 * * * *", Binding("SweepConsentOutbox", "timerTrigger").GetProperty("schedule").GetString());
    }

    [Fact]
    public void The_host_json_is_part_of_the_build()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(BuildOutput(), "host.json")));

        Assert.Equal("2.0", hostJson.RootElement.GetProperty("version").GetString());
        Assert.True(hostJson.RootElement.GetProperty("extensions").TryGetProperty("queues", out _));
    }

    /// <summary>Every function of the metadata with its bindings.</summary>
    internal static IReadOnlyList<(string Name, IReadOnlyList<JsonElement> Bindings)> Functions()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(BuildOutput(), "functions.metadata")));
        return [.. metadata.RootElement.EnumerateArray().Select(f => (f.GetProperty("name").GetString()!, (IReadOnlyList<JsonElement>)[.. f.GetProperty("bindings").EnumerateArray().Select(b => b.Clone())]))];
    }

    internal static JsonElement Binding(string function, string type)
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(BuildOutput(), "functions.metadata")));
        var entry = metadata.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == function);
        Assert.Equal("dotnet-isolated", entry.GetProperty("language").GetString());
        return entry.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == type).Clone();
    }

    /// <summary>The Functions project's own build output, in the configuration these tests were built in.</summary>
    private static string BuildOutput()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        for (var dir = testOutput; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kalisto.MediaGate.sln")))
            {
                return Path.Combine(dir.FullName, "functions", "Kalisto.MediaGate.Functions", "bin", configuration, framework);
            }
        }

        throw new InvalidOperationException("The repository root was not found.");
    }
}
