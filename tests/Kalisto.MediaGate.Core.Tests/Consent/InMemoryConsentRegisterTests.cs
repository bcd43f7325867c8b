using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Consent;

public sealed class InMemoryConsentRegisterTests
{
    [Fact]
    public async Task Every_change_keeps_history_and_raises_the_version()
    {
        var register = new InMemoryConsentRegister();
        var record = Records.Valid("de-wilg", "LL-1001");

        await register.ImportAsync([record], "admin", CancellationToken.None);
        var unchanged = await register.ImportAsync([record], "admin", CancellationToken.None);
        var withdrawn = await register.ImportAsync([record with { WithdrawnOn = new DateOnly(2026, 10, 1) }], "privacy", CancellationToken.None);

        Assert.Equal((0, 0, 1), (unchanged.Added, unchanged.Changed, unchanged.Unchanged));
        Assert.Equal((0, 1, 0), (withdrawn.Added, withdrawn.Changed, withdrawn.Unchanged));
        var stored = Assert.Single(await register.GetSchoolAsync("de-wilg", CancellationToken.None));
        Assert.Equal(2, stored.Version);
        Assert.Equal(2, register.History.Count);
        Assert.Null(register.History[0].Old);
        Assert.Equal("privacy", register.History[1].ChangedBy);
        Assert.Null(register.History[1].Old!.WithdrawnOn);
        Assert.Empty(await register.GetSchoolAsync("het-anker", CancellationToken.None));
    }
}
