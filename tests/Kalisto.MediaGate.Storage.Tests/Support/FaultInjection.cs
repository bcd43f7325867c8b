using Azure.Core;
using Azure.Core.Pipeline;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>
/// Fails requests that match a rule, before they reach storage: the process "dies" at that point, or
/// the service is unreachable. Placed per call, before the SDK's retries, so nothing retries it away.
/// </summary>
public sealed class FaultInjection : HttpPipelinePolicy
{
    private readonly Lock _gate = new();
    private Func<Request, bool>? _rule;

    /// <summary>How many requests were failed.</summary>
    public int Injected { get; private set; }

    /// <summary>From now on, fail every request the rule matches (null: let everything through).</summary>
    public void FailWhen(Func<Request, bool>? rule)
    {
        lock (_gate)
        {
            _rule = rule;
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Check(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Check(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Check(HttpMessage message)
    {
        lock (_gate)
        {
            if (_rule is not null && _rule(message.Request))
            {
                Injected++;
                throw new IOException($"Injected failure: {message.Request.Method} {message.Request.Uri.Path}");
            }
        }
    }
}
