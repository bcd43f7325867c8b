using Azure.Core;
using Azure.Core.Pipeline;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>Counts the bytes of response bodies that match a rule (what the process downloaded).</summary>
public sealed class TrafficCounter(Func<Request, bool> rule) : HttpPipelinePolicy
{
    private long _bytes;

    public long BytesDownloaded => Interlocked.Read(ref _bytes);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        Count(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        Count(message);
    }

    private void Count(HttpMessage message)
    {
        if (message.HasResponse && message.Request.Method == RequestMethod.Get && rule(message.Request)
            && message.Response.Headers.ContentLength is { } length)
        {
            Interlocked.Add(ref _bytes, length);
        }
    }
}
