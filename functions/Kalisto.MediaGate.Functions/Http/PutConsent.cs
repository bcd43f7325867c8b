using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// <c>PUT schools/{school}/consent/{subjectId}</c>: adds or replaces a record (JSON), checked as a CSV row is;
/// the history is kept and the subject's items are queued for re-screening.
/// </summary>
public sealed class PutConsent(SchoolApi api)
{
    [Function(nameof(PutConsent))]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "schools/{school}/consent/{subjectId}")] HttpRequest request,
        string school,
        string subjectId,
        CancellationToken cancellationToken) =>
        await api.PutConsentAsync(school, subjectId, request, cancellationToken);
}
