using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Kalisto.MediaGate.Storage;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>
/// A real Azurite, started from the repository's <c>node_modules</c> (installed from <c>package.json</c>
/// when it is missing) on free ports, in memory, once per test collection. Each test gets its own containers, tables and queues.
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    // Azurite's well-known development account.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly bool _skipApiVersionCheck;
    private Process? _process;

    public Azurite()
        : this(skipApiVersionCheck: true)
    {
    }

    /// <param name="skipApiVersionCheck">
    /// False starts Azurite as a newcomer might, without <c>--skipApiVersionCheck</c>: it then refuses the SDK's
    /// newer API versions with 400 InvalidHeaderValue.
    /// </param>
    internal Azurite(bool skipApiVersionCheck) => _skipApiVersionCheck = skipApiVersionCheck;

    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot();
        var azurite = AzuriteInstall.EnsureInstalled(root);

        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo(azurite)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--disableProductStyleUrl",
            "--blobHost", "127.0.0.1", "--blobPort", $"{blob}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{table}",
        }.Where(a => _skipApiVersionCheck || a != "--skipApiVersionCheck"))
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
        await WaitUntilListeningAsync([blob, queue, table]);
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// A fresh set of containers, tables and queues, created. <paramref name="fault"/>, when given, sees
    /// every request of every client first (to inject failures the way a dying process or an outage would).
    /// </summary>
    public async Task<MediaStorage> NewStorageAsync(HttpPipelinePolicy? fault = null)
    {
        var storage = CreateStorage(NewNames(), fault);
        await storage.EnsureCreatedAsync(CancellationToken.None);
        return storage;
    }

    /// <summary>Clients for an existing set of names (for example the same storage with a fault).</summary>
    public MediaStorage CreateStorage(StorageOptions names, HttpPipelinePolicy? fault = null)
    {
        var blobOptions = new BlobClientOptions();
        var tableOptions = new TableClientOptions();
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        if (fault is not null)
        {
            blobOptions.AddPolicy(fault, HttpPipelinePosition.PerCall);
            tableOptions.AddPolicy(fault, HttpPipelinePosition.PerCall);
            queueOptions.AddPolicy(fault, HttpPipelinePosition.PerCall);
        }

        return new MediaStorage(
            new BlobServiceClient(ConnectionString, blobOptions),
            new TableServiceClient(ConnectionString, tableOptions),
            new QueueServiceClient(ConnectionString, queueOptions),
            Options.Create(names));
    }

    /// <summary>Unique names, so tests never see each other's data.</summary>
    public static StorageOptions NewNames()
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        return new StorageOptions
        {
            UploadsContainer = $"uploads-{id}",
            ApprovedContainer = $"approved-{id}",
            QuarantineContainer = $"quarantine-{id}",
            PreviewsContainer = $"previews-{id}",
            ConsentTable = $"consent{id}",
            ItemsTable = $"items{id}",
            RunsTable = $"runs{id}",
            UploadGrantsTable = $"grants{id}",
            RedactQueue = $"redact-{id}",
            RescreenQueue = $"rescreen-{id}",
            PreviewsQueue = $"previews-{id}",
        };
    }

    private static async Task WaitUntilListeningAsync(int[] ports)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var port in ports)
        {
            while (true)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kalisto.MediaGate.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Kalisto.MediaGate.sln) was not found.");
    }
}

/// <summary>Test classes in this collection share one Azurite.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<Azurite>
{
    public const string Name = "Azurite";
}
