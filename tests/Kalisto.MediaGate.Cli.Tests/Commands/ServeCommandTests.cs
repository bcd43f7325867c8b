using System.Net;
using System.Text;
using Kalisto.MediaGate.Functions.Http;
using Kalisto.MediaGate.Tests.Support;
using Spectre.Console;
using static Kalisto.MediaGate.Tests.Support.HttpCalls;

namespace Kalisto.MediaGate.Cli.Tests.Commands;

/// <summary>
/// <c>mediagate serve</c> against Azurite, called over real HTTP: the same answers as the Functions app's triggers
/// give for the same requests (status, media type and body), and Ctrl+C ends it with exit code 0.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ServeCommandTests(Azurite azurite)
{
    private const string Emma = """
        {"kind": "pupil", "display_name": "Emma de Vries", "channels": ["website", "newsletter"],
         "valid_from": "2026-08-01", "valid_until": "2027-07-31", "evidence": "form-2026-001"}
        """;

    [Fact]
    public async Task Serve_answers_a_put_and_a_get_over_http_as_the_functions_app_does()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var functions = await FunctionsHost.StartAsync(azurite);
        await using var serve = await Served.StartAsync(azurite.ConnectionString);
        using var client = new HttpClient { BaseAddress = serve.Address };

        var put = await AnswerAsync(await client.PutAsync("api/schools/de-wilg/consent/ll-1001", new StringContent(Emma, Encoding.UTF8, "application/json")));
        var get = await AnswerAsync(await client.GetAsync("api/schools/de-wilg/consent/LL-1001"));
        var missing = await AnswerAsync(await client.GetAsync("api/schools/de-wilg/consent/LL-1002"));
        var refused = await AnswerAsync(await client.PutAsync("api/schools/de-wilg/consent/LL-1001", new StringContent("{\"validFrom\": 1}", Encoding.UTF8, "application/json")));

        Assert.Equal(200, put.Status);
        Assert.Equal(1, put.Json().GetProperty("version").GetInt64());
        Assert.Equal("Emma de Vries", get.Json().GetProperty("display_name").GetString());
        Assert.Equal((404, "application/problem+json"), (missing.Status, missing.ContentType));
        Assert.Equal(["validFrom"], refused.ValidationErrors().Keys);
        Assert.Equal(Comparable(await functions.AnswerAsync(functions.Function<PutConsent>().RunAsync(Json(Emma), "de-wilg", "ll-1001", default))), Comparable(put));
        Assert.Equal(Comparable(await functions.AnswerAsync(functions.Function<GetConsent>().RunAsync(Request(), "de-wilg", "LL-1001", default))), Comparable(get));
        Assert.Equal(Comparable(await functions.AnswerAsync(functions.Function<GetConsent>().RunAsync(Request(), "de-wilg", "LL-1002", default))), Comparable(missing));
        Assert.Equal(Comparable(await functions.AnswerAsync(functions.Function<PutConsent>().RunAsync(Json("{\"validFrom\": 1}"), "de-wilg", "LL-1001", default))), Comparable(refused));

        var (exit, output) = await serve.StopAsync();
        Assert.Equal(0, exit);
        Assert.Contains("mediagate serve: stopped.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_out_of_range_is_a_usage_error()
    {
        var run = CommandLineRun.Of("serve", "--storage", azurite.ConnectionString, "--port", "70000");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--port must be from 0 to 65535", run.Error, StringComparison.Ordinal);
    }

    private static (int, string?, string) Comparable(HttpAnswer answer) => (answer.Status, answer.ContentType, answer.Body);

    private static async Task<HttpAnswer> AnswerAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            return new HttpAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), new Microsoft.AspNetCore.Http.HeaderDictionary(), body);
        }
    }

    /// <summary><c>mediagate serve --port 0</c> run in process until <see cref="StopAsync"/> stands for Ctrl+C.</summary>
    private sealed class Served : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly StringWriter _output = new();
        private readonly TextWriter _synchronized;
        private Task<int>? _run;

        private Served() => _synchronized = TextWriter.Synchronized(_output);

        public Uri Address { get; private set; } = null!;

        public static async Task<Served> StartAsync(string storage)
        {
            var served = new Served();
            var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(new StringWriter()) });
            var error = TextWriter.Synchronized(new StringWriter());
            served._run = Task.Run(() => MediaGateCommandLine.RunAsync(["serve", "--storage", storage, "--port", "0"], new CliConsole(ansi, served._synchronized, error), served._stop.Token));
            const string listening = "listening on ";
            while (true)
            {
                var text = served.Output();
                if (text.IndexOf(listening, StringComparison.Ordinal) is var at and >= 0 && text.IndexOf("/api/", at, StringComparison.Ordinal) is var end and >= 0)
                {
                    served.Address = new Uri(text[(at + listening.Length)..end] + "/");
                    Assert.Equal(IPAddress.Loopback.ToString(), served.Address.Host);
                    return served;
                }

                if (served._run.IsCompleted)
                {
                    Assert.Fail($"serve ended with {await served._run}: {text} {error}");
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

        private string Output()
        {
            lock (_synchronized)
            {
                return _output.ToString();
            }
        }
    }
}
