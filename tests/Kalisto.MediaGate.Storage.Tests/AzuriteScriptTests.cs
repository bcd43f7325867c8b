using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Storage.Tests;

/// <summary><c>npm run azurite</c>, as the README gives it, starts an Azurite the SDK can work with.</summary>
[Collection(AzuriteCollection.Name)] // after the collection's own Azurite is installed
public sealed class AzuriteScriptTests(Azurite azurite)
{
    [Fact]
    public async Task Npm_run_azurite_starts_an_emulator_that_takes_the_sdks_requests()
    {
        Assert.NotEmpty(azurite.ConnectionString);
        var root = Azurite.RepositoryRoot();
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The README's command, on free ports so it never meets a developer's own Azurite.
        foreach (var argument in new[] { "run", "azurite", "--", "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}" })
        {
            start.ArgumentList.Add(argument);
        }

        using var npm = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        npm.OutputDataReceived += (_, line) => output.Enqueue(line.Data ?? string.Empty);
        npm.ErrorDataReceived += (_, line) => output.Enqueue(line.Data ?? string.Empty);
        npm.BeginOutputReadLine();
        npm.BeginErrorReadLine();
        try
        {
            Assert.True(await ListeningAsync(blob, npm), $"npm run azurite did not listen: {string.Join('\n', output)}");
            var connection =
                "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
                "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
                $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;";
            var container = new BlobServiceClient(connection).GetBlobContainerClient("uploads");

            // The SDK speaks a newer API version than Azurite announces: this only works with --skipApiVersionCheck.
            await container.CreateAsync();
            await container.UploadBlobAsync("de-wilg/x.jpg", BinaryData.FromString("x"));
            Assert.True((await container.GetBlobClient("de-wilg/x.jpg").ExistsAsync()).Value);
        }
        finally
        {
            npm.Kill(entireProcessTree: true);
            await npm.WaitForExitAsync();
        }
    }

    private static async Task<bool> ListeningAsync(int port, Process npm)
    {
        for (var attempt = 0; attempt < 600 && !npm.HasExited; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
