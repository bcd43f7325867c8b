using System.Text.Json;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Functions.Http;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Kalisto.MediaGate.Tests.Support.HttpCalls;

namespace Kalisto.MediaGate.Functions.Tests.Http;

[Collection(AzuriteCollection.Name)]
public sealed class ConsentApiTests(Azurite azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private const string Emma = """
        {"kind": "pupil", "display_name": "Emma de Vries", "channels": ["website", "newsletter"],
         "valid_from": "2026-08-01", "valid_until": "2027-07-31", "evidence": "form-2026-001"}
        """;

    private const string CsvHeader = "school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence\n";

    [Fact]
    public async Task A_record_put_twice_reads_back_at_version_2_with_its_history_and_queued_rescreens()
    {
        await using var host = await StartAsync();

        var added = await host.AnswerAsync(host.Function<HttpApi>().PutConsent(host.Json(Emma), "de-wilg", "ll-1001", default));
        var changed = await host.AnswerAsync(host.Function<HttpApi>().PutConsent(
            host.Request(Emma.Replace("\"website\", ", "", StringComparison.Ordinal), "application/json; charset=utf-8", user: TestUsers.Privacy),
            "de-wilg",
            "LL-1001",
            default));
        var read = await host.AnswerAsync(host.Function<HttpApi>().GetConsent(host.Request(), "de-wilg", "LL-1001", default));

        Assert.Equal(200, added.Status);
        Assert.Equal(1, added.Json().GetProperty("version").GetInt64());
        Assert.Equal(200, changed.Status);
        Assert.Equal(200, read.Status);
        Assert.StartsWith("application/json", read.ContentType, StringComparison.Ordinal);
        var record = read.Json();
        Assert.Equal("de-wilg", record.GetProperty("school").GetString());
        Assert.Equal("LL-1001", record.GetProperty("subject_id").GetString());
        Assert.Equal("pupil", record.GetProperty("kind").GetString());
        Assert.Equal("Emma de Vries", record.GetProperty("display_name").GetString());
        Assert.Equal(["newsletter"], record.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("2026-08-01", record.GetProperty("valid_from").GetString());
        Assert.Equal("2027-07-31", record.GetProperty("valid_until").GetString());
        Assert.Equal("form-2026-001", record.GetProperty("evidence").GetString());
        Assert.Equal(2, record.GetProperty("version").GetInt64());
        Assert.False(record.TryGetProperty("withdrawn_on", out _));

        var history = await host.Services.GetRequiredService<TableConsentRegister>().HistoryAsync("de-wilg", "LL-1001", default);
        Assert.Equal(2, history.Count);
        Assert.Null(history[0].Old);
        Assert.Equal(TestUsers.Admin.ChangedBy, history[0].ChangedBy);
        Assert.Equal(["newsletter", "website"], history[1].Old!.Channels);
        Assert.Equal(["newsletter"], history[1].New.Channels);
        Assert.Equal(TestUsers.Privacy.ChangedBy, history[1].ChangedBy);
        var queued = await RescreensAsync(host);
        Assert.Equal(2, queued.Count);
        Assert.All(queued, r => Assert.Equal(("de-wilg", "LL-1001", RescreenRequest.ConsentChange), (r.School, r.SubjectId, r.Cause)));
    }

    [Fact]
    public async Task Putting_the_same_record_again_changes_nothing_and_queues_nothing()
    {
        await using var host = await StartAsync();
        await host.AnswerAsync(host.Function<HttpApi>().PutConsent(host.Json(Emma), "de-wilg", "LL-1001", default));
        await DrainRescreensAsync(host);

        var again = await host.AnswerAsync(host.Function<HttpApi>().PutConsent(host.Json(Emma), "de-wilg", "LL-1001", default));

        Assert.Equal(200, again.Status);
        Assert.Equal(1, again.Json().GetProperty("version").GetInt64());
        Assert.Empty(await RescreensAsync(host));
    }

    [Fact]
    public async Task A_put_with_the_version_read_replaces_it_and_a_stale_version_is_409_and_changes_nothing()
    {
        await using var host = await StartAsync();
        await host.AnswerAsync(host.Function<HttpApi>().PutConsent(host.Json(Emma), "de-wilg", "LL-1001", default));

        var current = await host.AnswerAsync(host.Function<HttpApi>().PutConsent(
            host.Json(Emma.Replace("form-2026-001", "form-2026-002", StringComparison.Ordinal).Replace("{", "{\"version\": 1, ", StringComparison.Ordinal)), "de-wilg", "LL-1001", default));
        var stale = await host.AnswerAsync(host.Function<HttpApi>().PutConsent(
            host.Json(Emma.Replace("{", "{\"version\": 1, ", StringComparison.Ordinal)), "de-wilg", "LL-1001", default));

        Assert.Equal(200, current.Status);
        Assert.Equal(2, current.Json().GetProperty("version").GetInt64());
        Assert.Equal(409, stale.Status);
        Assert.Equal("application/problem+json", stale.ContentType);
        Assert.Contains("version 2", stale.Json().GetProperty("detail").GetString(), StringComparison.Ordinal);
        var stored = await host.Services.GetRequiredService<TableConsentRegister>().GetAsync("de-wilg", "LL-1001", default);
        Assert.Equal("form-2026-002", stored!.Evidence);
    }

    [Fact]
    public async Task A_subject_without_a_record_is_404_problem_details()
    {
        await using var host = await StartAsync();

        var read = await host.AnswerAsync(host.Function<HttpApi>().GetConsent(host.Request(), "de-wilg", "LL-1001", default));
        var withdrawn = await host.AnswerAsync(host.Function<HttpApi>().WithdrawConsent(host.Request(), "de-wilg", "LL-1001", default));

        foreach (var answer in new[] { read, withdrawn })
        {
            Assert.Equal(404, answer.Status);
            Assert.Equal("application/problem+json", answer.ContentType);
            Assert.Equal(404, answer.Json().GetProperty("status").GetInt32());
            Assert.Contains("LL-1001", answer.Json().GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(await RescreensAsync(host));
    }

    [Fact]
    public async Task Withdrawal_sets_withdrawn_on_keeps_the_history_and_queues_a_rescreen()
    {
        await using var host = await StartAsync();
        await host.AnswerAsync(host.Function<HttpApi>().PutConsent(host.Json(Emma), "de-wilg", "LL-1001", default));
        await host.AnswerAsync(host.Function<HttpApi>().PutConsent(host.Json(Emma.Replace("Emma de Vries", "Noah Bakker", StringComparison.Ordinal)), "de-wilg", "LL-1002", default));
        await DrainRescreensAsync(host);

        var dated = await host.AnswerAsync(host.Function<HttpApi>().WithdrawConsent(host.Json("""{"withdrawn_on": "2026-12-01"}"""), "de-wilg", "LL-1001", default));
        var today = await host.AnswerAsync(host.Function<HttpApi>().WithdrawConsent(host.Request(), "de-wilg", "LL-1002", default));

        Assert.Equal(200, dated.Status);
        Assert.Equal("2026-12-01", dated.Json().GetProperty("withdrawn_on").GetString());
        Assert.Equal(2, dated.Json().GetProperty("version").GetInt64());
        Assert.Equal(200, today.Status);
        Assert.Equal("2026-11-27", today.Json().GetProperty("withdrawn_on").GetString());
        var history = await host.Services.GetRequiredService<TableConsentRegister>().HistoryAsync("de-wilg", "LL-1001", default);
        Assert.Equal(2, history.Count);
        Assert.Null(history[1].Old!.WithdrawnOn);
        Assert.Equal(new DateOnly(2026, 12, 1), history[1].New.WithdrawnOn);
        Assert.Equal(["LL-1001", "LL-1002"], (await RescreensAsync(host)).Select(r => r.SubjectId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_withdrawal_dated_before_valid_from_is_400_on_withdrawn_on_and_changes_nothing()
    {
        await using var host = await StartAsync();
        await host.AnswerAsync(host.Function<HttpApi>().PutConsent(host.Json(Emma), "de-wilg", "LL-1001", default));
        await DrainRescreensAsync(host);

        var answer = await host.AnswerAsync(host.Function<HttpApi>().WithdrawConsent(host.Json("""{"withdrawn_on": "2026-07-31"}"""), "de-wilg", "LL-1001", default));

        var error = Assert.Single(answer.ValidationErrors()["withdrawn_on"]);
        Assert.Equal("2026-07-31 is before valid_from 2026-08-01 of the record; withdraw from that date or later", error);
        Assert.Contains("nothing was changed", answer.Json().GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Emma", answer.Body, StringComparison.Ordinal);
        var stored = await host.Services.GetRequiredService<TableConsentRegister>().GetAsync("de-wilg", "LL-1001", default);
        Assert.Equal((null, 1L), (stored!.WithdrawnOn, stored.Version));
        Assert.Empty(await RescreensAsync(host));
    }

    [Fact]
    public async Task A_withdrawal_without_a_date_of_a_consent_that_has_not_started_counts_from_valid_from()
    {
        await using var host = await StartAsync();
        await host.AnswerAsync(host.Function<HttpApi>().PutConsent(host.Json(Emma.Replace("2026-08-01", "2027-08-01", StringComparison.Ordinal).Replace("2027-07-31", "2028-07-31", StringComparison.Ordinal)), "de-wilg", "LL-1001", default));

        var answer = await host.AnswerAsync(host.Function<HttpApi>().WithdrawConsent(host.Request(), "de-wilg", "LL-1001", default));

        Assert.Equal(200, answer.Status);
        Assert.Equal("2027-08-01", answer.Json().GetProperty("withdrawn_on").GetString());
        Assert.Equal(2, answer.Json().GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_semicolon_windows_1252_csv_imports_and_the_answer_says_how_it_was_read()
    {
        await using var host = await StartAsync();
        var request = host.Request(contentType: "text/csv");
        request.Body = new MemoryStream(System.Text.CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetBytes(
            "school;subject_id;kind;display_name;channels;valid_from;valid_until;withdrawn_on;evidence;klas\r\n"
            + "de-wilg;LL-1001;pupil;Zoë Çelik;website,newsletter;2026-08-01;2027-07-31;;form-2026-001;8b\r\n"));

        var answer = await host.AnswerAsync(host.Function<HttpApi>().ImportConsent(request, "de-wilg", default));

        Assert.Equal(200, answer.Status);
        var json = answer.Json();
        Assert.Equal(1, json.GetProperty("added").GetInt32());
        Assert.Equal(("Windows-1252", ";"), (json.GetProperty("encoding").GetString(), json.GetProperty("separator").GetString()));
        Assert.Equal(["column 'klas' is not used and was ignored"], json.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
        var stored = await host.Services.GetRequiredService<TableConsentRegister>().GetAsync("de-wilg", "LL-1001", default);
        Assert.Equal("Zoë Çelik", stored!.DisplayName);
        Assert.Equal(["newsletter", "website"], stored.Channels);
    }

    [Fact]
    public async Task A_csv_row_with_too_many_fields_is_400_on_its_line_with_the_counts()
    {
        await using var host = await StartAsync();
        const string csv = CsvHeader + "de-wilg,LL-1001,pupil,de Vries, Emma,website,2026-08-01,2027-07-31,,form-2026-001\n";

        var answer = await host.AnswerAsync(host.Function<HttpApi>().ImportConsent(host.Request(csv, "text/csv"), "de-wilg", default));

        var errors = answer.ValidationErrors();
        Assert.Equal(["line 2"], errors.Keys);
        Assert.StartsWith("10 fields, the header has 9", Assert.Single(errors["line 2"]), StringComparison.Ordinal);
        Assert.Empty(await host.Services.GetRequiredService<TableConsentRegister>().ExportAsync(default));
    }

    [Fact]
    public async Task A_csv_import_reports_what_it_added_changed_and_left()
    {
        await using var host = await StartAsync();
        const string csv = CsvHeader
            + "de-wilg,LL-1001,pupil,Emma de Vries,schoolguide;website,2026-08-01,2027-07-31,,form-2026-001\n"
            + "de-wilg,MW-2001,staff,Sanne Jansen,,2026-08-01,2027-07-31,,\n";

        var first = await host.AnswerAsync(host.Function<HttpApi>().ImportConsent(host.Request(csv, "text/csv"), "de-wilg", default));
        var second = await host.AnswerAsync(host.Function<HttpApi>().ImportConsent(
            host.Request(csv.Replace("schoolguide;website", "website", StringComparison.Ordinal), "text/csv; charset=utf-8"), "de-wilg", default));

        Assert.Equal(200, first.Status);
        Assert.Equal((2, 0, 0), Counts(first));
        Assert.Equal(200, second.Status);
        Assert.Equal((0, 1, 1), Counts(second));
        var school = await host.Services.GetRequiredService<TableConsentRegister>().GetSchoolAsync("de-wilg", default);
        Assert.Equal(["LL-1001", "MW-2001"], school.Select(r => r.SubjectId));
        Assert.Equal(3, (await RescreensAsync(host)).Count);

        static (int, int, int) Counts(HttpAnswer answer)
        {
            var json = answer.Json();
            return (json.GetProperty("added").GetInt32(), json.GetProperty("changed").GetInt32(), json.GetProperty("unchanged").GetInt32());
        }
    }

    [Fact]
    public async Task A_csv_import_of_an_old_export_keeps_a_withdrawal_and_names_the_line()
    {
        await using var host = await StartAsync();
        const string csv = CsvHeader
            + "de-wilg,MW-2001,staff,Sanne Jansen,,2026-08-01,2027-07-31,,\n"
            + "de-wilg,LL-1001,pupil,Emma de Vries,schoolguide;website,2026-08-01,2027-07-31,,form-2026-001\n";
        await host.AnswerAsync(host.Function<HttpApi>().ImportConsent(host.Request(csv, "text/csv"), "de-wilg", default));
        await host.AnswerAsync(host.Function<HttpApi>().WithdrawConsent(host.Json("""{"withdrawn_on": "2026-11-20"}"""), "de-wilg", "LL-1001", default));

        var again = await host.AnswerAsync(host.Function<HttpApi>().ImportConsent(host.Request(csv, "text/csv"), "de-wilg", default));

        Assert.Equal(200, again.Status);
        Assert.Equal(2, again.Json().GetProperty("unchanged").GetInt32());
        var warning = Assert.Single(again.Json().GetProperty("warnings").EnumerateArray());
        Assert.Equal(3, warning.GetProperty("line").GetInt32());
        Assert.Equal("LL-1001", warning.GetProperty("subject_id").GetString());
        Assert.Contains("stays withdrawn since 2026-11-20", warning.GetProperty("message").GetString(), StringComparison.Ordinal);
        var stored = await host.Services.GetRequiredService<TableConsentRegister>().GetAsync("de-wilg", "LL-1001", default);
        Assert.Equal(new DateOnly(2026, 11, 20), stored!.WithdrawnOn);
    }

    [Fact]
    public async Task A_csv_with_errors_is_400_with_every_line_and_field_and_writes_nothing()
    {
        await using var host = await StartAsync();
        const string csv = CsvHeader
            + "de-wilg,LL-1001,pupil,Emma de Vries,website,2026-08-01,2027-07-31,,form-2026-001\n"
            + "de-wilg,LL-1002,pupil,Noah Bakker,website;billboard,2026-13-01,2027-07-31,,form-2026-002\n"
            + "het-anker,LL-2001,pupil,Daan Smit,website,2026-08-01,2027-07-31,,form-2026-003\n";

        var answer = await host.AnswerAsync(host.Function<HttpApi>().ImportConsent(host.Request(csv, "text/csv"), "de-wilg", default));

        var errors = answer.ValidationErrors();
        Assert.Equal(["line 3, channels", "line 3, valid_from", "line 4, school"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("billboard", Assert.Single(errors["line 3, channels"]), StringComparison.Ordinal);
        Assert.Contains("'het-anker' is not the school of this import ('de-wilg')", Assert.Single(errors["line 4, school"]), StringComparison.Ordinal);
        Assert.Contains("3 error(s)", answer.Json().GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await host.Services.GetRequiredService<TableConsentRegister>().ExportAsync(default));
        Assert.Empty(await RescreensAsync(host));
    }

    [Fact]
    public async Task A_csv_with_only_a_row_of_another_school_is_400_naming_its_line()
    {
        await using var host = await StartAsync();
        const string csv = CsvHeader + "\n" + "het-anker,LL-2001,pupil,Daan Smit,website,2026-08-01,2027-07-31,,form-2026-003\n";

        var answer = await host.AnswerAsync(host.Function<HttpApi>().ImportConsent(host.Request(csv, "text/csv"), "de-wilg", default));

        Assert.Equal(["line 3, school"], answer.ValidationErrors().Keys);
        Assert.Empty(await host.Services.GetRequiredService<TableConsentRegister>().ExportAsync(default));
    }

    [Fact]
    public async Task A_body_that_is_not_csv_or_json_is_415()
    {
        await using var host = await StartAsync();

        var import = await host.AnswerAsync(host.Function<HttpApi>().ImportConsent(host.Request(CsvHeader, "application/json"), "de-wilg", default));
        var put = await host.AnswerAsync(host.Function<HttpApi>().PutConsent(host.Request(Emma, "text/plain"), "de-wilg", "LL-1001", default));

        Assert.Equal((415, "application/problem+json"), (import.Status, import.ContentType));
        Assert.Equal((415, "application/problem+json"), (put.Status, put.ContentType));
        Assert.Empty(await host.Services.GetRequiredService<TableConsentRegister>().ExportAsync(default));
    }

    [Fact]
    public async Task An_export_of_formula_leading_names_is_text_and_imports_back_exactly_and_over_itself_unchanged()
    {
        string[] values = ["=HYPERLINK(\"http://x\",\"klik\")", "+31 6 12345678", "-x", "@SUM(A1)", "'=x", "'t Hooft", "'s-Gravenhage"];
        await using var host = await StartAsync();
        for (var i = 0; i < values.Length; i++)
        {
            var body = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["kind"] = "pupil",
                ["display_name"] = values[i],
                ["channels"] = new[] { "website" },
                ["valid_from"] = "2026-08-01",
                ["valid_until"] = "2027-07-31",
                ["evidence"] = values[^(i + 1)],
            });
            Assert.Equal(200, (await host.AnswerAsync(host.Function<HttpApi>().PutConsent(host.Json(body), "de-wilg", $"LL-{1001 + i}", default))).Status);
        }

        // What `mediagate consent export` writes of this register.
        var text = new StringWriter();
        ConsentCsv.Write(text, await host.Services.GetRequiredService<TableConsentRegister>().ExportAsync(default));
        var csv = text.ToString();

        Assert.Contains("de-wilg,LL-1001,pupil,\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\",website,2026-08-01,2027-07-31,,'s-Gravenhage\r\n", csv, StringComparison.Ordinal);
        Assert.Contains("de-wilg,LL-1002,pupil,\"'+31 6 12345678\",website,2026-08-01,2027-07-31,,'t Hooft\r\n", csv, StringComparison.Ordinal);
        Assert.Contains("de-wilg,LL-1003,pupil,\"'-x\",website,2026-08-01,2027-07-31,,\"''=x\"\r\n", csv, StringComparison.Ordinal);
        Assert.Contains("de-wilg,LL-1004,pupil,\"'@SUM(A1)\",website,2026-08-01,2027-07-31,,\"'@SUM(A1)\"\r\n", csv, StringComparison.Ordinal);
        Assert.Contains("de-wilg,LL-1005,pupil,\"''=x\",website,2026-08-01,2027-07-31,,\"'-x\"\r\n", csv, StringComparison.Ordinal);
        Assert.Contains("de-wilg,LL-1007,pupil,'s-Gravenhage,website,2026-08-01,2027-07-31,,\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\"\r\n", csv, StringComparison.Ordinal);

        var over = await host.AnswerAsync(host.Function<HttpApi>().ImportConsent(host.Request(csv, "text/csv"), "de-wilg", default));
        await using var elsewhere = await StartAsync();
        var fresh = await elsewhere.AnswerAsync(elsewhere.Function<HttpApi>().ImportConsent(elsewhere.Request(csv, "text/csv"), "de-wilg", default));

        Assert.Equal(200, over.Status);
        Assert.Equal((0, 0, values.Length), (over.Json().GetProperty("added").GetInt32(), over.Json().GetProperty("changed").GetInt32(), over.Json().GetProperty("unchanged").GetInt32()));
        Assert.Equal(200, fresh.Status);
        Assert.Equal(values.Length, fresh.Json().GetProperty("added").GetInt32());
        for (var i = 0; i < values.Length; i++)
        {
            var record = (await elsewhere.AnswerAsync(elsewhere.Function<HttpApi>().GetConsent(elsewhere.Request(), "de-wilg", $"LL-{1001 + i}", default))).Json();
            Assert.Equal((values[i], values[^(i + 1)]), (record.GetProperty("display_name").GetString(), record.GetProperty("evidence").GetString()));
        }
    }

    private Task<FunctionsHost> StartAsync() => FunctionsHost.StartAsync(azurite, clock: new FixedClock(Now));

    private static async Task<List<RescreenRequest>> RescreensAsync(FunctionsHost host)
    {
        var messages = (await host.Services.GetRequiredService<MediaStorage>().RescreenQueue.PeekMessagesAsync(maxMessages: 32)).Value;
        return [.. messages.Select(m => RescreenRequest.Parse(m.MessageText))];
    }

    private static Task DrainRescreensAsync(FunctionsHost host) =>
        host.Services.GetRequiredService<MediaStorage>().RescreenQueue.ClearMessagesAsync();
}
