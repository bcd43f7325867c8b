using System.Diagnostics;
using System.Reflection;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Commands;

/// <summary>
/// The README's "installed" way: <c>dotnet pack</c> makes a .NET tool, <c>dotnet tool install</c> puts
/// <c>mediagate</c> on a path, and that command does what the command line does in process.
/// </summary>
public sealed class InstalledToolTests
{
    [Fact]
    public async Task Dotnet_pack_makes_a_tool_that_installs_as_mediagate_and_runs()
    {
        var work = Directory.CreateTempSubdirectory("mediagate-tool-");
        try
        {
            var project = Path.Combine(Azurite.RepositoryRoot(), "functions", "Kalisto.MediaGate.Cli");
            var packages = Path.Combine(work.FullName, "packages");
            var tools = Path.Combine(work.FullName, "tools");

            // The configuration this test was built in: its build of the command line is already there.
            var configuration = typeof(InstalledToolTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
            await RunAsync("dotnet", work.FullName, "pack", project, "-c", configuration, "--no-build", "-o", packages);
            await RunAsync("dotnet", work.FullName, "tool", "install", "--tool-path", tools, "--add-source", packages, "Kalisto.MediaGate.Cli");

            var mediagate = Path.Combine(tools, OperatingSystem.IsWindows() ? "mediagate.exe" : "mediagate");
            var file = CommandLineRun.Data("combined.jpg");
            var installed = await RunAsync(mediagate, work.FullName, "inspect", "--json", file);
            var inProcess = CommandLineRun.Of("inspect", "--json", file);
            Assert.Equal(inProcess.Out, installed.Replace("\r\n", "\n", StringComparison.Ordinal));

            var help = await RunAsync(mediagate, work.FullName, "--help");
            Assert.Contains("screen", help, StringComparison.Ordinal);

            // The tool carries the face detector's model (without it, it would approve no image), and no pack is made without it.
            Assert.Single(Directory.GetFiles(Path.Combine(tools, ".store"), "face_detection_back_256x256_barracuda.onnx", SearchOption.AllDirectories));
            var refused = await RunAsync("dotnet", work.FullName, expectSuccess: false, "pack", project, "-c", configuration, "--no-build", "-o", Path.Combine(work.FullName, "refused"), $"-p:MediaGateFaceModel={Path.Combine(work.FullName, "no-model.onnx")}");
            Assert.Contains("The face detection model is missing", refused, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(work.FullName, "refused")) && Directory.EnumerateFiles(Path.Combine(work.FullName, "refused"), "*.nupkg").Any());
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static Task<string> RunAsync(string program, string directory, params string[] arguments) =>
        RunAsync(program, directory, expectSuccess: true, arguments);

    /// <summary>Runs <paramref name="program"/>; its standard output, and with <paramref name="expectSuccess"/> false its standard error after it, when it failed as expected.</summary>
    private static async Task<string> RunAsync(string program, string directory, bool expectSuccess, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (!expectSuccess)
        {
            Assert.True(process.ExitCode != 0, $"{program} {string.Join(' ', arguments)} succeeded:\n{await output}");
            return await output + await error;
        }

        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        return await output;
    }
}
