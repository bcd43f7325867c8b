using System.Text;
using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Web.Tests.Api;

/// <summary>A write through the API racing a withdrawal: the withdrawal stands, the write is a 409 and changes nothing.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SchoolApiConcurrencyTests(Azurite azurite)
{
    private static readonly DateOnly Today = new(2026, 11, 27);

    private const string Emma =
        """{"kind": "pupil", "display_name": "Emma de Vries", "channels": ["website"], "valid_from": "2026-08-01", "valid_until": "2027-07-31", "evidence": "form-2026-002"}""";

    [Theory]
    [InlineData("""{"version": 1, """)]
    [InlineData("{")]
    public async Task A_put_racing_a_withdrawal_is_409_and_the_withdrawal_stands(string start)
    {
        var fault = new FaultInjection();
        var storage = await azurite.NewStorageAsync(fault);
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        var elsewhere = new TableConsentRegister(azurite.CreateStorage(storage.Options), new FixedClock(Pipelines.Now));
        var raced = 0;
        fault.FailWhen(r =>
        {
            // The PUT has read the record (version 1); before its write arrives, a withdrawal commits.
            if (r.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && raced++ == 0)
            {
                Task.Run(() => elsewhere.WithdrawAsync("de-wilg", "LL-1001", new DateOnly(2026, 11, 27), Today, "privacy officer", CancellationToken.None)).GetAwaiter().GetResult();
            }

            return false;
        });

        var answer = await Api(services).PutConsentAsync("de-wilg", "LL-1001", Json(Emma.Replace("{", start, StringComparison.Ordinal)), Officer, CancellationToken.None);

        fault.FailWhen(null);
        Assert.Equal(409, Assert.IsType<ProblemHttpResult>(answer.Result).StatusCode);
        var stored = await elsewhere.GetAsync("de-wilg", "LL-1001", CancellationToken.None);
        Assert.Equal((2L, new DateOnly(2026, 11, 27)), (stored!.Version, stored.WithdrawnOn!.Value));
        Assert.Equal("form-LL-1001", stored.Evidence);
        Assert.Equal(2, (await elsewhere.HistoryAsync("de-wilg", "LL-1001", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_put_with_the_withdrawn_forms_evidence_keeps_the_withdrawal_and_says_so()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        var api = Api(services);
        await api.WithdrawConsentAsync("de-wilg", "LL-1001", Json("""{"withdrawn_on": "2026-11-20"}"""), Officer, CancellationToken.None);

        var answer = await api.PutConsentAsync("de-wilg", "LL-1001", Json(Emma.Replace("form-2026-002", "form-LL-1001", StringComparison.Ordinal)), Officer, CancellationToken.None);

        var record = Assert.IsType<Ok<ConsentResource>>(answer.Result).Value!;
        Assert.Equal(("2026-11-20", 3L), (record.WithdrawnOn, record.Version));
        Assert.Equal(["website"], record.Channels);
        var warning = Assert.Single(record.Warnings!);
        Assert.Null(warning.Line);
        Assert.StartsWith("LL-1001 stays withdrawn since 2026-11-20", warning.Message, StringComparison.Ordinal);
    }

    private static readonly MediaGateCaller Officer = new("a0000000-0000-4000-8000-000000000003", "Pim Privacy", [new SchoolRole(Role.Privacy, "de-wilg")]);

    private static SchoolApi Api(IServiceProvider services) => ActivatorUtilities.CreateInstance<SchoolApi>(services);

    private static HttpRequest Json(string body)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.ContentType = "application/json";
        return context.Request;
    }
}
