using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>
/// Azurite from the repository's <c>package.json</c>: installed with <c>npm ci</c> the first time a test
/// needs it, so a fresh clone is tested with one command. The test projects run in parallel, so the
/// install is guarded by a lock file that every test process takes in turn: one installs, the others
/// wait and then find it installed.
/// </summary>
internal static class AzuriteInstall
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The path of Azurite's launcher under <c>node_modules</c>, installing it first when it is missing.</summary>
    public static string EnsureInstalled(string root)
    {
        var azurite = Launcher(root);
        if (File.Exists(azurite))
        {
            return azurite;
        }

        using (TakeLock(root))
        {
            if (!File.Exists(azurite))
            {
                RunNpmCi(root);
            }
        }

        return File.Exists(azurite)
            ? azurite
            : throw new InvalidOperationException($"'npm ci' finished, but Azurite is not at {azurite}. Is it in package.json's devDependencies?");
    }

    public static string Launcher(string root) => Path.Combine(root, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");

    private static FileStream TakeLock(string root)
    {
        // One lock per clone, outside it (node_modules does not exist yet, and the clone stays clean).
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(root))))[..16];
        var path = Path.Combine(Path.GetTempPath(), $"mediagate-npm-ci-{id}.lock");
        var deadline = DateTime.UtcNow + InstallTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(250);
            }
        }
    }

    private static void RunNpmCi(string root)
    {
        var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
        {
            start.ArgumentList.Add(argument);
        }

        Process npm;
        try
        {
            npm = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Azurite is not installed in {Path.Combine(root, "node_modules")} and npm could not be started ({e.Message}). " +
                "Install Node.js 20 with npm, or run 'npm ci' in the repository root.", e);
        }

        using (npm)
        {
            var output = new StringBuilder();
            npm.OutputDataReceived += (_, line) => Append(output, line.Data);
            npm.ErrorDataReceived += (_, line) => Append(output, line.Data);
            npm.BeginOutputReadLine();
            npm.BeginErrorReadLine();
            if (!npm.WaitForExit(InstallTimeout))
            {
                npm.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"'npm ci' did not finish within {InstallTimeout.TotalMinutes} minutes.");
            }

            npm.WaitForExit();
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"'npm ci' failed with exit code {npm.ExitCode}:{Environment.NewLine}{output}");
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
