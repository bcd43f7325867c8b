using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// <c>POST schools/{school}/consent/{subjectId}/withdraw</c>: withdraws a consent from <c>withdrawn_on</c>
/// (today without a body); the subject's items are queued for re-screening.
/// </summary>
public sealed class WithdrawConsent(SchoolApi api)
{
    [Function(nameof(WithdrawConsent))]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "schools/{school}/consent/{subjectId}/withdraw")] HttpRequest request,
        string school,
        string subjectId,
        CancellationToken cancellationToken) =>
        await api.WithdrawConsentAsync(school, subjectId, request, cancellationToken);
}
