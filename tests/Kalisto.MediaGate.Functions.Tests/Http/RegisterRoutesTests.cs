using System.Text.Json;
using Kalisto.MediaGate.Functions.Http;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Kalisto.MediaGate.Tests.Support.HttpCalls;

namespace Kalisto.MediaGate.Functions.Tests.Http;

/// <summary>The register's listing and search, a record's history, and who <c>/api/me</c> says the caller is.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RegisterRoutesTests(Azurite azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private const string Emma = """
        {"kind": "pupil", "display_name": "Emma de Vries", "channels": ["website", "newsletter"],
         "valid_from": "2026-08-01", "valid_until": "2027-07-31", "evidence": "form-2026-001"}
        """;

    [Fact]
    public async Task The_register_lists_the_schools_own_records_by_subject_id()
    {
        await using var host = await RegisteredAsync();

        var answer = await ListAsync(host, null);

        Assert.Equal(200, answer.Status);
        Assert.StartsWith("application/json", answer.ContentType, StringComparison.Ordinal);
        var records = answer.Json().EnumerateArray().ToList();
        Assert.Equal(["LL-1001", "LL-1002", "LL-1003"], records.Select(r => r.GetProperty("subject_id").GetString()));
        Assert.All(records, r => Assert.Equal("de-wilg", r.GetProperty("school").GetString()));
        Assert.Equal("Zoë Çelik", records[2].GetProperty("display_name").GetString());
        Assert.DoesNotContain("Anker", answer.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zoe cel", new[] { "LL-1003" })]
    [InlineData("ZOË ÇELIK", new[] { "LL-1003" })]
    [InlineData("Zoe\u0308", new[] { "LL-1003" })] // the diaeresis as a combining mark
    [InlineData("  celik  ", new[] { "LL-1003" })]
    [InlineData("de vries", new[] { "LL-1001" })]
    [InlineData("ll-100", new[] { "LL-1001", "LL-1002", "LL-1003" })]
    [InlineData("ll-1002", new[] { "LL-1002" })]
    [InlineData("LL-1004", new string[0])] // het-anker's subject
    [InlineData("anker", new string[0])]   // in het-anker's display name only
    [InlineData("", new[] { "LL-1001", "LL-1002", "LL-1003" })]
    public async Task A_search_matches_subject_id_or_display_name_ignoring_case_and_accents_within_the_school(string q, string[] expected)
    {
        await using var host = await RegisteredAsync();

        var answer = await ListAsync(host, "?q=" + Uri.EscapeDataString(q));

        Assert.Equal(200, answer.Status);
        Assert.Equal(expected, answer.Json().EnumerateArray().Select(r => r.GetProperty("subject_id").GetString()));
    }

    [Fact]
    public async Task A_search_longer_than_100_characters_is_400_naming_q()
    {
        await using var host = await RegisteredAsync();

        var longest = await ListAsync(host, "?q=" + new string('x', 100));
        var tooLong = await ListAsync(host, "?q=" + new string('x', 101));

        Assert.Equal(200, longest.Status);
        Assert.Empty(longest.Json().EnumerateArray());
        Assert.Contains("q", tooLong.ValidationErrors().Keys);
    }

    [Fact]
    public async Task A_records_history_lists_its_changes_oldest_first_with_who_made_them_and_the_record_before_and_after()
    {
        var clock = new FixedClock(Now);
        await using var host = await FunctionsHost.StartAsync(azurite, clock: clock);
        var put = await host.AnswerAsync(host.Function<HttpApi>().PutConsent(host.Json(Emma, TestUsers.Privacy), "de-wilg", "LL-1001", default));
        clock.Now = Now.AddHours(2);
        var withdrawn = await host.AnswerAsync(host.Function<HttpApi>().WithdrawConsent(host.Request(user: TestUsers.Admin), "de-wilg", "LL-1001", default));
        Assert.Equal((200, 200), (put.Status, withdrawn.Status));

        var answer = await HistoryAsync(host, "ll-1001", TestUsers.Privacy);

        Assert.Equal(200, answer.Status);
        Assert.StartsWith("application/json", answer.ContentType, StringComparison.Ordinal);
        var changes = answer.Json().EnumerateArray().ToList();
        Assert.Equal(2, changes.Count);
        var (added, withdrawal) = (changes[0], changes[1]);
        Assert.Equal((TestUsers.Privacy.ChangedBy, "2026-11-27T10:00:00Z"), (added.GetProperty("changed_by").GetString(), added.GetProperty("changed_at").GetString()));
        Assert.False(added.TryGetProperty("old", out _));
        Assert.Equal(1, added.GetProperty("new").GetProperty("version").GetInt64());
        Assert.Equal("Emma de Vries", added.GetProperty("new").GetProperty("display_name").GetString());
        Assert.Equal((TestUsers.Admin.ChangedBy, "2026-11-27T12:00:00Z"), (withdrawal.GetProperty("changed_by").GetString(), withdrawal.GetProperty("changed_at").GetString()));
        Assert.Equal(1, withdrawal.GetProperty("old").GetProperty("version").GetInt64());
        Assert.False(withdrawal.GetProperty("old").TryGetProperty("withdrawn_on", out _));
        Assert.Equal(2, withdrawal.GetProperty("new").GetProperty("version").GetInt64());
        Assert.Equal("2026-11-27", withdrawal.GetProperty("new").GetProperty("withdrawn_on").GetString());
    }

    [Fact]
    public async Task The_history_of_a_subject_without_a_record_here_is_404_and_of_a_malformed_subject_id_400()
    {
        await using var host = await RegisteredAsync();

        var unknown = await HistoryAsync(host, "LL-1009", TestUsers.Privacy);
        var elsewhere = await HistoryAsync(host, "LL-1004", TestUsers.Privacy); // het-anker's
        var malformed = await HistoryAsync(host, "not an id", TestUsers.Privacy);

        Assert.Equal((404, "application/problem+json"), (unknown.Status, unknown.ContentType));
        Assert.Equal((404, "application/problem+json"), (elsewhere.Status, elsewhere.ContentType));
        Assert.Contains("subject_id", malformed.ValidationErrors().Keys);
    }

    [Fact]
    public async Task Me_for_the_privacy_officer_is_their_school_their_role_and_its_permissions()
    {
        await using var host = await FunctionsHost.StartAsync(azurite);

        var answer = await host.AnswerAsync(host.Function<HttpApi>().Me(host.Request(user: TestUsers.Privacy)));

        Assert.Equal(200, answer.Status);
        var me = answer.Json();
        Assert.Equal(TestUsers.Privacy.ObjectId.ToString("D"), me.GetProperty("user_id").GetString());
        Assert.Equal("Pim Privacy", me.GetProperty("name").GetString());
        var school = Assert.Single(me.GetProperty("schools").EnumerateArray());
        Assert.Equal("de-wilg", school.GetProperty("school").GetString());
        Assert.Equal(["privacy"], Strings(school.GetProperty("roles")));
        var permissions = Strings(school.GetProperty("permissions"));
        Assert.Contains("read-register", permissions);
        Assert.Contains("withdraw-consent", permissions);
        Assert.Contains("download-approved", permissions);
        Assert.DoesNotContain("upload-media", permissions);
        Assert.DoesNotContain("choose-school", permissions);
        Assert.Equal(permissions.Count, permissions.Distinct().Count());
    }

    [Fact]
    public async Task Me_for_the_admin_is_every_school_with_the_admin_role()
    {
        await using var host = await FunctionsHost.StartAsync(azurite);

        var answer = await host.AnswerAsync(host.Function<HttpApi>().Me(host.Request(user: TestUsers.Admin)));

        Assert.Equal(200, answer.Status);
        var school = Assert.Single(answer.Json().GetProperty("schools").EnumerateArray());
        Assert.Equal("*", school.GetProperty("school").GetString());
        Assert.Equal(["admin"], Strings(school.GetProperty("roles")));
        var permissions = Strings(school.GetProperty("permissions"));
        Assert.Contains("upload-media", permissions);
        Assert.Contains("read-register", permissions);
        Assert.Contains("choose-school", permissions);
    }

    /// <summary>Three de-wilg records (one with accents) and one of het-anker whose name would match a search for Zoë too.</summary>
    private async Task<FunctionsHost> RegisteredAsync()
    {
        var host = await FunctionsHost.StartAsync(azurite, clock: new FixedClock(Now));
        await host.Services.GetRequiredService<TableConsentRegister>().ImportAsync(
        [
            Records.Valid("de-wilg", "LL-1003", "Zoë Çelik"),
            Records.Valid("de-wilg", "LL-1001", "Emma de Vries"),
            Records.Valid("de-wilg", "LL-1002", "Noah Bakker"),
            Records.Valid("het-anker", "LL-1004", "Zoë Çelik-Anker"),
        ], "test", default);
        return host;
    }

    private static Task<HttpAnswer> ListAsync(FunctionsHost host, string? query) =>
        host.AnswerAsync(host.Function<HttpApi>().ListConsent(query is null ? host.Request(user: TestUsers.Privacy) : host.Query(query, TestUsers.Privacy), "de-wilg", default));

    private static Task<HttpAnswer> HistoryAsync(FunctionsHost host, string subjectId, TestUser user) =>
        host.AnswerAsync(host.Function<HttpApi>().ConsentHistory(host.Request(user: user), "de-wilg", subjectId, default));

    private static List<string?> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString())];
}
