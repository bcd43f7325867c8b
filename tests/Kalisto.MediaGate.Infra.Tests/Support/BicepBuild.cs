using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;

namespace Kalisto.MediaGate.Infra.Tests.Support;

/// <summary>
/// Compiles <c>infra/main.bicep</c> and <c>infra/app/upload-events.bicep</c> (which the deploy hook
/// deploys on its own) once, with the Bicep CLI that restore downloads, into a temporary folder, and
/// exposes the ARM JSON. The linter runs with <c>infra/bicepconfig.json</c>. Exported Bicep functions
/// can be evaluated with <see cref="EvaluateFunctions"/>.
/// </summary>
public sealed class BicepBuild : IDisposable
{
    private readonly string _outputDirectory = Directory.CreateTempSubdirectory("mediagate-bicep-").FullName;

    public BicepBuild()
    {
        var main = Compile(Path.Combine(InfraDirectory, "main.bicep"), "main.json");
        ExitCode = main.ExitCode;
        Diagnostics = main.Diagnostics;
        Json = main.Json;
        _main = main.Template;
        UploadEventsBuild = Compile(Path.Combine(InfraDirectory, "app", "upload-events.bicep"), "upload-events.json");
    }

    private readonly ArmTemplate? _main;

    public int ExitCode { get; }

    /// <summary>Every error and warning bicep printed for main.bicep (the compiler's and the linter's).</summary>
    public string Diagnostics { get; }

    /// <summary>The compiled template of main.bicep as text (empty when the build failed).</summary>
    public string Json { get; }

    /// <summary>The compiled subscription-scope template of <c>main.bicep</c>.</summary>
    public ArmTemplate Main => _main
        ?? throw new InvalidOperationException($"bicep build wrote no template (exit code {ExitCode}):\n{Diagnostics}");

    /// <summary><c>upload-events.bicep</c> compiled on its own, as the deploy hook deploys it.</summary>
    public BicepCompilation UploadEventsBuild { get; }

    /// <summary>The repository's <c>infra</c> folder.</summary>
    public static string InfraDirectory { get; } = Path.Combine(RepositoryRoot(), "infra");

    /// <summary>
    /// Evaluates parameter values of a parameters file (<c>using none</c>) that imports
    /// <paramref name="functions"/> from <paramref name="bicepFile"/> (relative to <c>infra</c>):
    /// <c>bicep build-params</c> evaluates the expressions, so this runs the real functions.
    /// </summary>
    /// <returns>Each parameter's evaluated value, by name (the same file is evaluated once).</returns>
    public JsonObject EvaluateFunctions(string bicepFile, IEnumerable<string> functions, IReadOnlyDictionary<string, string> parameters)
    {
        var key = $"{bicepFile}|{string.Join(",", functions)}|{string.Join("\n", parameters.Select(pair => $"{pair.Key}={pair.Value}"))}";
        return _evaluations.GetOrAdd(key, _ => new Lazy<JsonObject>(() => Evaluate(bicepFile, functions, parameters))).Value;
    }

    private readonly ConcurrentDictionary<string, Lazy<JsonObject>> _evaluations = new();

    private JsonObject Evaluate(string bicepFile, IEnumerable<string> functions, IReadOnlyDictionary<string, string> parameters)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_outputDirectory, $"params-{Guid.NewGuid():N}")).FullName;
        var import = Path.GetRelativePath(directory, Path.Combine(InfraDirectory, bicepFile)).Replace('\\', '/');
        var text = new StringBuilder()
            .AppendLine("using none")
            .AppendLine($"import {{ {string.Join(", ", functions)} }} from '{import}'");
        foreach (var (name, expression) in parameters)
        {
            text.AppendLine($"param {name} = {expression}");
        }

        var file = Path.Combine(directory, "evaluate.bicepparam");
        File.WriteAllText(file, text.ToString());
        var (exitCode, stdout, stderr) = Run("build-params", file, "--stdout");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"bicep build-params failed (exit code {exitCode}):\n{stderr}\n{text}");
        }

        var parametersJson = JsonNode.Parse(stdout)!["parametersJson"]!.GetValue<string>();
        var evaluated = JsonNode.Parse(parametersJson)!["parameters"]!.AsObject();
        return new JsonObject(evaluated.Select(pair => KeyValuePair.Create(pair.Key, pair.Value!["value"]?.DeepClone())));
    }

    public void Dispose() => Directory.Delete(_outputDirectory, recursive: true);

    private BicepCompilation Compile(string bicepFile, string outputName)
    {
        var output = Path.Combine(_outputDirectory, outputName);
        var (exitCode, stdout, stderr) = Run("build", bicepFile, "--outfile", output);
        var json = File.Exists(output) ? File.ReadAllText(output) : "";
        return new BicepCompilation(
            exitCode,
            (stdout + stderr).Trim(),
            json,
            json.Length > 0 ? new ArmTemplate(JsonNode.Parse(json)!.AsObject()) : null);
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] arguments)
    {
        var bicep = BicepCliPath();
        var startInfo = new ProcessStartInfo(bicep)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {bicep}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {arguments[0]} did not finish within 3 minutes.");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

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

    /// <summary>The folder that holds <c>Kalisto.MediaGate.sln</c>.</summary>
    public static string RepositoryRoot()
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

/// <summary>One <c>bicep build</c>: its exit code, what it printed, and the template it wrote.</summary>
public sealed record BicepCompilation(int ExitCode, string Diagnostics, string Json, ArmTemplate? Template)
{
    public ArmTemplate Main => Template
        ?? throw new InvalidOperationException($"bicep build wrote no template (exit code {ExitCode}):\n{Diagnostics}");
}

[CollectionDefinition(Name)]
public sealed class BicepBuildCollection : ICollectionFixture<BicepBuild>
{
    public const string Name = "bicep build";
}
