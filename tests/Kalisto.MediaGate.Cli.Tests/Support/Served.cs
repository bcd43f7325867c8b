using System.Net;
using Kalisto.MediaGate.Cli;
using Spectre.Console;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary><c>mediagate serve --port 0</c> run in process until <see cref="StopAsync"/> stands for Ctrl+C.</summary>
internal sealed class Served : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _output = new();
    private readonly TextWriter _synchronized;
    private readonly StringWriter _error = new();
    private readonly TextWriter _errorSynchronized;
    private Task<int>? _run;

    private Served() => (_synchronized, _errorSynchronized) = (TextWriter.Synchronized(_output), TextWriter.Synchronized(_error));

    public Uri Address { get; private set; } = null!;

    public static async Task<Served> StartAsync(string storage, params string[] options)
    {
        var served = new Served();
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(new StringWriter()) });
        var error = served._errorSynchronized;
        served._run = Task.Run(() => MediaGateCommandLine.RunAsync(["serve", "--storage", storage, "--port", "0", .. options], new CliConsole(ansi, served._synchronized, error), served._stop.Token));
        const string listening = "listening on ";
        while (true)
        {
            var text = served.Output();
            if (text.IndexOf(listening, StringComparison.Ordinal) is var at and >= 0 && text.IndexOf("/api/", at, StringComparison.Ordinal) is var end and >= 0)
            {
                served.Address = new Uri(text[(at + listening.Length)..end] + "/");
                Assert.True(IPAddress.IsLoopback(IPAddress.Parse(served.Address.Host.Trim('[', ']'))));
                return served;
            }

            if (served._run.IsCompleted)
            {
                Assert.Fail($"serve ended with {await served._run}: {text} {served.Error()}");
            }

            await Task.Delay(50);
        }
    }

    public async Task<(int Exit, string Output)> StopAsync()
    {
        await _stop.CancelAsync();
        return (await _run!, Output());
    }

    public async ValueTask DisposeAsync()
    {
        if (_run is { IsCompleted: false })
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    /// <summary>What serve wrote to standard error so far.</summary>
    public string Error()
    {
        lock (_errorSynchronized)
        {
            return _error.ToString();
        }
    }

    private string Output()
    {
        lock (_synchronized)
        {
            return _output.ToString();
        }
    }
}
