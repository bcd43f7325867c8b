using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Storage.Tests.Tables;

[Collection(AzuriteCollection.Name)]
public sealed class TableConsentRegisterTests(Azurite azurite)
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Imported_records_read_back_per_school_with_every_field()
    {
        var register = new TableConsentRegister(await azurite.NewStorageAsync(), new FixedClock(Monday));
        var emma = Records.Valid("de-wilg", "LL-1001") with { WithdrawnOn = new DateOnly(2027, 1, 5) };
        var daan = Records.Valid("de-wilg", "MW-2001", "Daan Visser", "newsletter", "website");
        var other = Records.Valid("het-anker", "LL-1001");

        var summary = await register.ImportAsync([emma, daan, other], "admin@kalisto.nl", CancellationToken.None);

        Assert.Equal((3, 0, 0), (summary.Added, summary.Changed, summary.Unchanged));
        var school = await register.GetSchoolAsync("de-wilg", CancellationToken.None);
        Assert.Equal(["LL-1001", "MW-2001"], school.Select(r => r.SubjectId));
        Assert.True(school[0].SameContentAs(emma));
        Assert.True(school[1].SameContentAs(daan));
        Assert.Equal(1, school[0].Version);
        Assert.Equal(3, (await register.ExportAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_change_keeps_history_with_who_when_old_and_new()
    {
        var clock = new FixedClock(Monday);
        var register = new TableConsentRegister(await azurite.NewStorageAsync(), clock);
        var emma = Records.Valid("de-wilg", "LL-1001");
        await register.ImportAsync([emma], "admin@kalisto.nl", CancellationToken.None);
        clock.Now = Monday.AddDays(3);

        var withdrawn = emma with { WithdrawnOn = new DateOnly(2026, 11, 26) };
        var summary = await register.ImportAsync([withdrawn, Records.Valid("de-wilg", "LL-1002")], "office@de-wilg.nl", CancellationToken.None);

        Assert.Equal((1, 1, 0), (summary.Added, summary.Changed, summary.Unchanged));
        Assert.Equal([new SubjectRef("de-wilg", "LL-1001"), new SubjectRef("de-wilg", "LL-1002")], summary.ChangedSubjects);
        var stored = await register.GetAsync("de-wilg", "LL-1001", CancellationToken.None);
        Assert.Equal(2, stored!.Version);
        Assert.Equal(new DateOnly(2026, 11, 26), stored.WithdrawnOn);
        var history = await register.HistoryAsync("de-wilg", "LL-1001", CancellationToken.None);
        Assert.Equal(2, history.Count);
        Assert.Null(history[0].Old);
        Assert.Equal("admin@kalisto.nl", history[0].ChangedBy);
        Assert.Equal("office@de-wilg.nl", history[1].ChangedBy);
        Assert.Equal(Monday.AddDays(3), history[1].ChangedAt);
        Assert.Null(history[1].Old!.WithdrawnOn);
        Assert.Equal(new DateOnly(2026, 11, 26), history[1].New.WithdrawnOn);
    }

    [Fact]
    public async Task Importing_the_same_records_again_changes_nothing()
    {
        var register = new TableConsentRegister(await azurite.NewStorageAsync(), TimeProvider.System);
        ConsentRecord[] records = [Records.Valid("de-wilg", "LL-1001"), Records.Valid("de-wilg", "LL-1002")];
        await register.ImportAsync(records, "admin", CancellationToken.None);

        var again = await register.ImportAsync(records, "admin", CancellationToken.None);

        Assert.Equal((0, 0, 2), (again.Added, again.Changed, again.Unchanged));
        Assert.Empty(again.ChangedSubjects);
        Assert.Single(await register.HistoryAsync("de-wilg", "LL-1001", CancellationToken.None));
    }

    [Fact]
    public async Task An_unreachable_table_service_throws_instead_of_returning_no_records()
    {
        var fault = new FaultInjection();
        var storage = await azurite.NewStorageAsync(fault);
        var register = new TableConsentRegister(storage, TimeProvider.System);
        await register.ImportAsync([Records.Valid("de-wilg", "LL-1001")], "admin", CancellationToken.None);
        fault.FailWhen(r => r.Uri.Port == storage.Consent.Uri.Port);

        await Assert.ThrowsAnyAsync<Exception>(() => register.GetSchoolAsync("de-wilg", CancellationToken.None));
    }
}
