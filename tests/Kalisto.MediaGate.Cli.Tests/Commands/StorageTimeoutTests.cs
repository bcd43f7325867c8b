using System.Net;
using System.Net.Sockets;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Commands;

/// <summary>Tests that set the process's environment, so run alone (no other test reads it meanwhile).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "Process environment";
}

/// <summary>The storage timeout of the command line (<c>MediaGate__Storage__CommandTimeout</c>).</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class StorageTimeoutTests
{
    private const string Variable = "MediaGate__Storage__CommandTimeout";

    private static CommandLineRun WithTimeout(string value, params string[] args)
    {
        Environment.SetEnvironmentVariable(Variable, value);
        try
        {
            return CommandLineRun.Of(args);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, null);
        }
    }

    private static string Connection(int port) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    [Fact]
    public void Storage_that_takes_the_connection_but_never_answers_fails_after_the_timeout_in_one_line()
    {
        // Accepts connections (the backlog does) and never reads or answers: a hung service.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var run = WithTimeout("1", "items", "--storage", Connection(port));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            $"mediagate items: no answer from the storage at 127.0.0.1:{port} within 1 s: Azurite not running or stuck? Start it with `npm run azurite`. {Variable}=SECONDS waits longer.",
            run.Error.Trim());
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("0")]
    [InlineData("-5")]
    public void A_timeout_that_is_no_duration_is_a_usage_error(string value)
    {
        var run = WithTimeout(value, "items", "--storage", Connection(1));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"mediagate items: {Variable} is '{value}', not a number of seconds or hh:mm:ss", run.Error.Trim());
    }
}
