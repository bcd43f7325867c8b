using System.Collections.Concurrent;

namespace Kalisto.MediaGate.Consent;

/// <summary>
/// Reads each school's records once and keeps them for its own lifetime: one batch run decides every
/// item against the register as it was when the run began. Failed reads are not kept, so they are
/// tried again (and still throw). Not for long-lived hosts, where a change must count at once.
/// </summary>
public sealed class SnapshotConsentRegister(IConsentRegister inner) : IConsentRegister
{
    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<ConsentRecord>>>> _schools = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<ConsentRecord>> GetSchoolAsync(string school, CancellationToken cancellationToken)
    {
        var read = _schools.GetOrAdd(school, s => new Lazy<Task<IReadOnlyList<ConsentRecord>>>(() => inner.GetSchoolAsync(s, CancellationToken.None)));
        try
        {
            return await read.Value.WaitAsync(cancellationToken);
        }
        catch when (read.Value.IsFaulted || read.Value.IsCanceled)
        {
            _schools.TryRemove(new KeyValuePair<string, Lazy<Task<IReadOnlyList<ConsentRecord>>>>(school, read));
            throw;
        }
    }

    public Task<IReadOnlyList<ConsentRecord>> ExportAsync(CancellationToken cancellationToken) => inner.ExportAsync(cancellationToken);

    public Task<ImportSummary> ImportAsync(IReadOnlyList<ConsentRecord> records, string changedBy, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("A snapshot of the register is read-only.");
}
