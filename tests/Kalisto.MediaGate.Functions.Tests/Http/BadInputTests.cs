using Kalisto.MediaGate.Functions.Http;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static Kalisto.MediaGate.Tests.Support.HttpCalls;

namespace Kalisto.MediaGate.Functions.Tests.Http;

/// <summary>Every kind of bad input is a 400 with validation problem details naming the field, never a 500, and changes nothing.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BadInputTests(Azurite azurite)
{
    private const string Record = """
        "kind": "pupil", "display_name": "Emma de Vries", "channels": ["website"], "valid_from": "2026-08-01", "valid_until": "2027-07-31"
        """;

    private static readonly Dictionary<string, (Func<FunctionsHost, Task<IResult>> Call, string[] Fields)> Cases = new()
    {
        ["school code in the address"] = (h => h.Function<HttpApi>().GetConsent(h.Request(), "De Wilg!", "LL-1001", default), ["school"]),
        ["subject ID in the address"] = (h => h.Function<HttpApi>().GetConsent(h.Request(), "de-wilg", "PUPIL-7", default), ["subject_id"]),
        ["a school code in the address of a put (checked first)"] = (h => Put(h, $"{{{Record}, \"evidence\": \"f\"}}", school: "-", subject: "x"), ["school"]),
        ["a subject ID in the address of a put"] = (h => Put(h, $"{{{Record}, \"evidence\": \"f\"}}", subject: "x"), ["subject_id"]),
        ["school code of an import"] = (h => h.Function<HttpApi>().ImportConsent(h.Request("school\n", "text/csv"), "de_wilg", default), ["school"]),
        ["malformed JSON"] = (h => Put(h, $"{{{Record}, \"evidence\": "), ["body"]),
        ["an empty body"] = (h => Put(h, string.Empty), ["body"]),
        ["a field given twice"] = (h => Put(h, $"{{{Record}, \"evidence\": \"f\", \"channels\": []}}"), ["body"]),
        ["a JSON array instead of an object"] = (h => Put(h, "[]"), ["body"]),
        ["a body naming another school"] = (h => Put(h, $"{{\"school\": \"het-anker\", {Record}, \"evidence\": \"f\"}}"), ["school"]),
        ["a body naming another subject"] = (h => Put(h, $"{{\"subject_id\": \"LL-1002\", {Record}, \"evidence\": \"f\"}}"), ["subject_id"]),
        ["channels as a string"] = (h => Put(h, $"{{{Record.Replace("[\"website\"]", "\"website\"", StringComparison.Ordinal)}, \"evidence\": \"f\"}}"), ["channels"]),
        ["a field that does not exist"] = (h => Put(h, $"{{{Record}, \"evidence\": \"f\", \"validFrom\": \"2026-08-01\"}}"), ["validFrom"]),
        ["a date that is not one"] = (h => Put(h, $"{{{Record.Replace("2026-08-01", "01-08-2026", StringComparison.Ordinal)}, \"evidence\": \"f\"}}"), ["valid_from"]),
        ["granted channels without evidence"] = (h => Put(h, $"{{{Record}}}"), ["evidence"]),
        ["an unknown channel"] = (h => Put(h, $"{{{Record.Replace("website", "billboard", StringComparison.Ordinal)}, \"evidence\": \"f\"}}"), ["channels"]),
        ["a version that is not a number"] = (h => Put(h, $"{{{Record}, \"evidence\": \"f\", \"version\": \"2\"}}"), ["version"]),
        ["a withdrawal date that is not one"] = (h => h.Function<HttpApi>().WithdrawConsent(h.Json("""{"withdrawn_on": "gisteren"}"""), "de-wilg", "LL-1001", default), ["withdrawn_on"]),
        ["a withdrawal body that is not JSON"] = (h => h.Function<HttpApi>().WithdrawConsent(h.Json("2026-12-01"), "de-wilg", "LL-1001", default), ["body"]),
        ["an unknown state"] = (h => h.Function<HttpApi>().ListItems(h.Query("?state=deleted"), "de-wilg", default), ["state"]),
        ["an item key that is not one"] = (h => h.Function<HttpApi>().ItemAudit(h.Request(), "de-wilg", "..%2Fconsent", default), ["item_key"]),
        ["an audit without dates"] = (h => h.Function<HttpApi>().ExportAudit(h.Request(), "de-wilg", default), ["from", "to"]),
        ["an audit date that is not one"] = (h => h.Function<HttpApi>().ExportAudit(h.Query("?from=2026-11-31&to=2026-12-01"), "de-wilg", default), ["from"]),
        ["an audit period that ends before it starts"] = (h => h.Function<HttpApi>().ExportAudit(h.Query("?from=2026-12-01&to=2026-11-01"), "de-wilg", default), ["to"]),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Bad_input_is_400_validation_problem_details_naming_the_field(string name)
    {
        await using var host = await FunctionsHost.StartAsync(azurite);
        var (call, fields) = Cases[name];

        var answer = await host.AnswerAsync(call(host));

        var errors = answer.ValidationErrors();
        Assert.Equal(fields.Order(StringComparer.Ordinal), errors.Keys.Order(StringComparer.Ordinal));
        Assert.All(errors.Values, messages => Assert.All(messages, m => Assert.False(string.IsNullOrWhiteSpace(m))));
        Assert.Empty(await host.Services.GetRequiredService<TableConsentRegister>().ExportAsync(default));
    }

    private static Task<IResult> Put(FunctionsHost host, string body, string school = "de-wilg", string subject = "LL-1001") =>
        host.Function<HttpApi>().PutConsent(host.Json(body), school, subject, default);
}
