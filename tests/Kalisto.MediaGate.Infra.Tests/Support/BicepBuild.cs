using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Kalisto.MediaGate.Infra.Tests.Support;

/// <summary>
/// Compiles <c>infra/main.bicep</c> once, with the Bicep CLI that restore downloads, into a temporary
/// folder, and exposes the ARM JSON. The linter runs with <c>infra/bicepconfig.json</c>.
/// </summary>
public sealed class BicepBuild : IDisposable
{
    private readonly string _outputDirectory = Directory.CreateTempSubdirectory("mediagate-bicep-").FullName;

    public BicepBuild()
    {
        var bicep = BicepCliPath();
        var mainBicep = Path.Combine(RepositoryRoot(), "infra", "main.bicep");
        var output = Path.Combine(_outputDirectory, "main.json");

        var startInfo = new ProcessStartInfo(bicep)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("build");
        startInfo.ArgumentList.Add(mainBicep);
        startInfo.ArgumentList.Add("--outfile");
        startInfo.ArgumentList.Add(output);

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {bicep}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("bicep build did not finish within 3 minutes.");
        }

        ExitCode = process.ExitCode;
        Diagnostics = (stdout.Result + stderr.Result).Trim();
        Json = File.Exists(output) ? File.ReadAllText(output) : "";
        _main = Json.Length > 0 ? new ArmTemplate(JsonNode.Parse(Json)!.AsObject()) : null;
    }

    private readonly ArmTemplate? _main;

    public int ExitCode { get; }

    /// <summary>Every error and warning bicep printed (the compiler's and the linter's).</summary>
    public string Diagnostics { get; }

    /// <summary>The compiled template as text (empty when the build failed).</summary>
    public string Json { get; }

    /// <summary>The compiled subscription-scope template of <c>main.bicep</c>.</summary>
    public ArmTemplate Main => _main
        ?? throw new InvalidOperationException($"bicep build wrote no template (exit code {ExitCode}):\n{Diagnostics}");

    public void Dispose() => Directory.Delete(_outputDirectory, recursive: true);

    private static string BicepCliPath()
    {
        var path = typeof(BicepBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "BicepCliPath").Value;
        if (path is null || !File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The Bicep CLI is not at '{path}': run 'dotnet restore Kalisto.MediaGate.sln' (it downloads Azure.Bicep.CommandLine.linux-x64).");
        }

        // NuGet extracts the executable bit only where the package recorded it.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if (!mode.HasFlag(UnixFileMode.UserExecute))
            {
                File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
            }
        }

        return path;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kalisto.MediaGate.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Kalisto.MediaGate.sln above {AppContext.BaseDirectory}.");
    }
}

[CollectionDefinition(Name)]
public sealed class BicepBuildCollection : ICollectionFixture<BicepBuild>
{
    public const string Name = "bicep build";
}
