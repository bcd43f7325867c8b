using Kalisto.MediaGate.Web;
using Kalisto.MediaGate.Web.Access;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// <c>POST schools/{school}/consent/{subjectId}/withdraw</c>: withdraws a consent (today, or withdrawn_on in the body) and queues the take-down of its items (privacy). Anonymous to the Functions host: who may is the
/// app's own check (<see cref="ApiAccess"/>, the signed-in user of App Service Authentication), not a function key.
/// </summary>
public sealed class WithdrawConsent(ApiAccess access, SchoolApi api)
{
    [Function(nameof(WithdrawConsent))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "schools/{school}/consent/{subjectId}/withdraw")] HttpRequest request,
        string school,
        string subjectId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MediaGateApi.WithdrawConsent(request.HttpContext, school, subjectId, access, api, cancellationToken);
    }
}
