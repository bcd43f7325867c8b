using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Configuration;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// How the command line's storage clients retry and how long they wait: a person waits at the terminal, so
/// storage that does not answer ends the command within <see cref="Timeout"/> (default 10 s, configuration
/// <c>MediaGate:Storage:CommandTimeout</c>, environment <c>MediaGate__Storage__CommandTimeout</c>, in seconds
/// or as <c>hh:mm:ss</c>). The Functions app keeps the SDK's defaults.
/// </summary>
internal sealed class StorageClientSettings
{
    public const string TimeoutKey = "MediaGate:Storage:CommandTimeout";
    public const string TimeoutVariable = "MediaGate__Storage__CommandTimeout";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly FailedEndpointPolicy _failures = new();

    public StorageClientSettings(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The storage timeout must be positive.");
        }

        Timeout = timeout;
    }

    /// <summary>How long one request may go without an answer (connecting, sending, the response) before the command fails.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The endpoint (host:port) of the last request that failed, or null; never a key or a query.</summary>
    public string? FailedEndpoint => _failures.Endpoint;

    /// <summary>The settings of <see cref="TimeoutKey"/> in <paramref name="configuration"/>; a value that is no duration is a usage error.</summary>
    public static StorageClientSettings From(IConfiguration configuration)
    {
        var text = configuration[TimeoutKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return new StorageClientSettings(DefaultTimeout);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= TimeSpan.FromDays(1).TotalSeconds)
        {
            return new StorageClientSettings(TimeSpan.FromSeconds(seconds));
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return new StorageClientSettings(span);
        }

        throw new UsageException($"{TimeoutVariable} is '{text}', not a number of seconds or hh:mm:ss");
    }

    /// <summary>The settings from the environment (<see cref="TimeoutVariable"/>).</summary>
    public static StorageClientSettings FromEnvironment() => From(new ConfigurationBuilder().AddEnvironmentVariables().Build());

    /// <summary>
    /// The SDK's own retry options: exponential, two retries with short delays for what is worth retrying
    /// (a refused connection that comes back, a 503), and a network timeout of <see cref="Timeout"/>; a request
    /// that timed out is not tried again, so storage that does not answer costs one timeout, not three.
    /// </summary>
    public void Apply(ClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(250);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = Timeout;
        options.RetryPolicy = new NoRetryAfterTimeout(options.Retry);
        options.AddPolicy(_failures, HttpPipelinePosition.PerRetry);
    }

    /// <summary>A timeout as people read it: "10 s", "2 min".</summary>
    public static string Describe(TimeSpan timeout) => timeout.TotalSeconds < 120
        ? string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalSeconds:0.#} s")
        : string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalMinutes:0.#} min");

    /// <summary>The SDK's retry policy, except after a network timeout (the SDK would wait the whole timeout again).</summary>
    private sealed class NoRetryAfterTimeout(RetryOptions retry)
        : RetryPolicy(retry.MaxRetries, DelayStrategy.CreateExponentialDelayStrategy(retry.Delay, retry.MaxDelay))
    {
        protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
            !TimedOut(message, exception) && base.ShouldRetry(message, exception);

        protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
            TimedOut(message, exception) ? ValueTask.FromResult(false) : base.ShouldRetryAsync(message, exception);

        // The SDK reports a network timeout as a cancellation that the caller did not ask for.
        private static bool TimedOut(HttpMessage message, Exception? exception) =>
            exception is OperationCanceledException && !message.CancellationToken.IsCancellationRequested;
    }

    /// <summary>Remembers where the last failed request went (scheme-less host:port), to name it in the error.</summary>
    private sealed class FailedEndpointPolicy : HttpPipelinePolicy
    {
        private volatile string? _endpoint;

        public string? Endpoint => _endpoint;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                ProcessNext(message, pipeline);
            }
            catch
            {
                Remember(message);
                throw;
            }

            Check(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                await ProcessNextAsync(message, pipeline);
            }
            catch
            {
                Remember(message);
                throw;
            }

            Check(message);
        }

        private void Check(HttpMessage message)
        {
            if (message.HasResponse && message.Response.Status >= 400)
            {
                Remember(message);
            }
        }

        private void Remember(HttpMessage message) =>
            _endpoint = string.Create(CultureInfo.InvariantCulture, $"{message.Request.Uri.Host}:{message.Request.Uri.Port}");
    }
}
