using Azure.Data.Tables;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Storage.Tests.Tables;

[Collection(AzuriteCollection.Name)]
public sealed class TableConsentRegisterTests(Azurite azurite)
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private static readonly DateOnly Today = new(2026, 11, 27);

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
    public async Task A_change_is_one_transaction_of_record_history_and_outbox_in_the_schools_partition()
    {
        var storage = await azurite.NewStorageAsync();
        var register = new TableConsentRegister(storage, new FixedClock(Monday));

        await register.ImportAsync([Records.Valid("de-wilg", "LL-1001")], "admin", CancellationToken.None);

        Assert.Equal(["LL-1001", "~history|LL-1001|0000000001", "~outbox|LL-1001"], await RowKeysAsync(storage, "de-wilg"));
        Assert.Equal(["LL-1001"], (await register.GetSchoolAsync("de-wilg", CancellationToken.None)).Select(r => r.SubjectId));
        Assert.Single(await register.ExportAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_failed_transaction_leaves_no_history_no_outbox_and_the_record_unchanged()
    {
        var fault = new FaultInjection();
        var storage = await azurite.NewStorageAsync(fault);
        var register = new TableConsentRegister(storage, new FixedClock(Monday));
        var emma = Records.Valid("de-wilg", "LL-1001");
        await register.ImportAsync([emma], "admin", CancellationToken.None);
        await storage.Consent.DeleteEntityAsync("de-wilg", "~outbox|LL-1001"); // its re-screen was done
        fault.FailWhen(r => r.Uri.Path.EndsWith("$batch", StringComparison.Ordinal));

        await Assert.ThrowsAnyAsync<Exception>(() => register.ImportAsync([emma with { WithdrawnOn = new DateOnly(2026, 11, 23) }], "admin", CancellationToken.None));

        fault.FailWhen(null);
        Assert.Equal(1, fault.Injected);
        Assert.Equal(["LL-1001", "~history|LL-1001|0000000001"], await RowKeysAsync(storage, "de-wilg"));
        var stored = await register.GetAsync("de-wilg", "LL-1001", CancellationToken.None);
        Assert.Equal((1L, (DateOnly?)null), (stored!.Version, stored.WithdrawnOn));
    }

    [Fact]
    public async Task A_transaction_the_service_rejects_writes_nothing_of_it()
    {
        var storage = await azurite.NewStorageAsync();
        var register = new TableConsentRegister(storage, new FixedClock(Monday));
        var emma = Records.Valid("de-wilg", "LL-1001");
        await register.ImportAsync([emma], "admin", CancellationToken.None);
        await storage.Consent.DeleteEntityAsync("de-wilg", "~outbox|LL-1001");
        // A history row for version 2 already there: the Add of the change's history row fails on the service.
        await storage.Consent.AddEntityAsync(new TableEntity("de-wilg", "~history|LL-1001|0000000002"));

        var e = await Assert.ThrowsAnyAsync<Azure.RequestFailedException>(() =>
            register.ImportAsync([emma with { WithdrawnOn = new DateOnly(2026, 11, 23) }], "admin", CancellationToken.None));

        Assert.Equal(409, e.Status);
        Assert.Equal(["LL-1001", "~history|LL-1001|0000000001", "~history|LL-1001|0000000002"], await RowKeysAsync(storage, "de-wilg"));
        Assert.Null((await register.GetAsync("de-wilg", "LL-1001", CancellationToken.None))!.WithdrawnOn);
    }

    [Fact]
    public async Task A_re_import_of_the_same_row_after_a_withdrawal_keeps_it_and_warns_with_the_line()
    {
        var register = new TableConsentRegister(await azurite.NewStorageAsync(), new FixedClock(Monday));
        var csv = Csv("de-wilg,LL-1002,pupil,Noah Bakker,website,2026-08-01,2027-07-31,,form-2026-002", "de-wilg,LL-1001,pupil,Emma de Vries,website;newsletter,2026-08-01,2027-07-31,,form-2026-001");
        await register.ImportAsync(csv, "office", CancellationToken.None);
        await register.WithdrawAsync("de-wilg", "LL-1001", new DateOnly(2026, 11, 20), Today, "privacy officer", CancellationToken.None);

        var again = await register.ImportAsync(csv, "office", CancellationToken.None);
        var fewer = await register.ImportAsync(
            Csv("de-wilg,LL-1001,pupil,Emma de Vries,website,2026-08-01,2027-07-31,,form-2026-001"), "office", CancellationToken.None);

        Assert.Equal((0, 0, 2), (again.Added, again.Changed, again.Unchanged));
        Assert.Empty(again.ChangedSubjects);
        var warning = Assert.Single(again.Warnings);
        Assert.Equal(
            "line 3: LL-1001 stays withdrawn since 2026-11-20: this row has the evidence of the withdrawn form (form-2026-001); a new consent needs the reference of a new signed form",
            warning.Message);
        Assert.Equal((0, 1, 0), (fewer.Added, fewer.Changed, fewer.Unchanged)); // the other fields still apply
        Assert.Equal(2, Assert.Single(fewer.Warnings).Line);
        var stored = await register.GetAsync("de-wilg", "LL-1001", CancellationToken.None);
        Assert.Equal(new DateOnly(2026, 11, 20), stored!.WithdrawnOn);
        Assert.Equal(["website"], stored.Channels);
        Assert.Equal(3, stored.Version);
    }

    [Fact]
    public async Task A_row_with_the_evidence_of_a_new_form_lifts_the_withdrawal()
    {
        var register = new TableConsentRegister(await azurite.NewStorageAsync(), new FixedClock(Monday));
        await register.ImportAsync(Csv("de-wilg,LL-1001,pupil,Emma de Vries,website,2026-08-01,2027-07-31,,form-2026-001"), "office", CancellationToken.None);
        await register.WithdrawAsync("de-wilg", "LL-1001", new DateOnly(2026, 11, 20), Today, "privacy officer", CancellationToken.None);

        var summary = await register.ImportAsync(Csv("de-wilg,LL-1001,pupil,Emma de Vries,website,2026-08-01,2027-07-31,,form-2026-117"), "office", CancellationToken.None);

        Assert.Equal((0, 1, 0), (summary.Added, summary.Changed, summary.Unchanged));
        Assert.Empty(summary.Warnings);
        var stored = await register.GetAsync("de-wilg", "LL-1001", CancellationToken.None);
        Assert.Null(stored!.WithdrawnOn);
        Assert.Equal("form-2026-117", stored.Evidence);
    }

    [Fact]
    public async Task A_repeated_withdrawal_changes_nothing()
    {
        var storage = await azurite.NewStorageAsync();
        var register = new TableConsentRegister(storage, new FixedClock(Monday));
        await register.ImportAsync([Records.Valid("de-wilg", "LL-1001")], "admin", CancellationToken.None);
        var first = await register.WithdrawAsync("de-wilg", "LL-1001", new DateOnly(2026, 11, 20), Today, "privacy officer", CancellationToken.None);
        await storage.Consent.DeleteEntityAsync("de-wilg", "~outbox|LL-1001");

        var same = await register.WithdrawAsync("de-wilg", "LL-1001", new DateOnly(2026, 11, 20), Today, "privacy officer", CancellationToken.None);
        var later = await register.WithdrawAsync("de-wilg", "LL-1001", new DateOnly(2026, 11, 25), Today, "privacy officer", CancellationToken.None);
        var missing = await register.WithdrawAsync("de-wilg", "LL-4040", new DateOnly(2026, 11, 25), Today, "privacy officer", CancellationToken.None);

        Assert.Equal(ConsentWriteOutcome.Changed, first.Outcome);
        Assert.Equal([ConsentWriteOutcome.Unchanged, ConsentWriteOutcome.Unchanged], new[] { same.Outcome, later.Outcome });
        Assert.Equal((2L, new DateOnly(2026, 11, 20)), (later.Record!.Version, later.Record.WithdrawnOn!.Value));
        Assert.Equal(ConsentWriteOutcome.Missing, missing.Outcome);
        Assert.Equal(2, (await register.HistoryAsync("de-wilg", "LL-1001", CancellationToken.None)).Count);
        Assert.DoesNotContain("~outbox|LL-1001", await RowKeysAsync(storage, "de-wilg")); // no re-screen owed
    }

    [Fact]
    public async Task A_withdrawal_dated_before_valid_from_is_refused_and_one_without_a_date_counts_from_valid_from()
    {
        var storage = await azurite.NewStorageAsync();
        var register = new TableConsentRegister(storage, new FixedClock(Monday));
        var started = Records.Valid("de-wilg", "LL-1001");
        var future = Records.Valid("de-wilg", "LL-1002") with { ValidFrom = new DateOnly(2027, 8, 1), ValidUntil = new DateOnly(2028, 7, 31) };
        await register.ImportAsync([started, future], "admin", CancellationToken.None);

        var early = await register.WithdrawAsync("de-wilg", "LL-1001", started.ValidFrom.AddDays(-1), Today, "privacy officer", CancellationToken.None);
        var undated = await register.WithdrawAsync("de-wilg", "LL-1002", null, Today, "privacy officer", CancellationToken.None);
        var first = await register.WithdrawAsync("de-wilg", "LL-1001", started.ValidFrom, Today, "privacy officer", CancellationToken.None);

        Assert.Equal(ConsentWriteOutcome.BeforeValidFrom, early.Outcome);
        Assert.Equal((1L, null), (early.Record!.Version, early.Record.WithdrawnOn));
        Assert.Equal((ConsentWriteOutcome.Changed, new DateOnly(2027, 8, 1)), (undated.Outcome, undated.Record!.WithdrawnOn!.Value));
        Assert.Equal((ConsentWriteOutcome.Changed, started.ValidFrom), (first.Outcome, first.Record!.WithdrawnOn!.Value));
        Assert.Equal(2, (await register.HistoryAsync("de-wilg", "LL-1001", CancellationToken.None)).Count); // the refusal wrote none
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

    /// <summary>The rows of a CSV of the register, read as an import reads them (line 1 is the header).</summary>
    private static IReadOnlyList<ConsentRecord> Csv(params string[] rows)
    {
        var result = ConsentCsv.Read(new StringReader(string.Join('\n', [string.Join(',', ConsentCsv.Header), .. rows])), new ConsentOptions());
        Assert.True(result.IsValid);
        return result.Records;
    }

    /// <summary>Every row of the school's partition of the consent table, records and the rows after them.</summary>
    internal static async Task<List<string>> RowKeysAsync(MediaStorage storage, string school)
    {
        var keys = new List<string>();
        await foreach (var row in storage.Consent.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {school}"), select: ["RowKey"]))
        {
            keys.Add(row.RowKey);
        }

        return keys;
    }
}
