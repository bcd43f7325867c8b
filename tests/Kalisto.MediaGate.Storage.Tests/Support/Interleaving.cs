using Azure.Core;
using Azure.Core.Pipeline;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>
/// Runs an action at one exact point of a sequence of storage requests: just before request number
/// <c>n</c> (counted from when it is armed) goes out. The action's own requests are not counted. This is
/// how a test commits a consent change "between" any two steps of a screening, re-screen or redaction.
/// </summary>
public sealed class Interleaving : HttpPipelinePolicy
{
    private readonly AsyncLocal<bool> _inAction = new();
    private int _count;
    private int _at = -1;
    private Func<Task>? _action;

    /// <summary>Requests seen since the last <see cref="At"/> or <see cref="Count"/> call.</summary>
    public int Seen => Volatile.Read(ref _count);

    /// <summary>Only counts from now on.</summary>
    public void Count() => At(-1, null);

    /// <summary>Runs <paramref name="action"/> just before request <paramref name="n"/> from now.</summary>
    public void At(int n, Func<Task>? action)
    {
        _count = 0;
        _at = n;
        _action = action;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (!_inAction.Value)
        {
            var n = Interlocked.Increment(ref _count) - 1;
            if (n == _at && Interlocked.Exchange(ref _action, null) is { } action)
            {
                _inAction.Value = true;
                try
                {
                    await action();
                }
                finally
                {
                    _inAction.Value = false;
                }
            }
        }

        await ProcessNextAsync(message, pipeline);
    }
}
