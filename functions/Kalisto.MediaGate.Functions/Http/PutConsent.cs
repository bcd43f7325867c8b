using Kalisto.MediaGate.Web;
using Kalisto.MediaGate.Web.Access;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// <c>PUT schools/{school}/consent/{subjectId}</c>: adds or replaces a record (JSON), checked as a CSV row is; the history is kept and the subject's items are queued for re-screening (privacy). Anonymous to the Functions host: who may is the
/// app's own check (<see cref="ApiAccess"/>, the signed-in user of App Service Authentication), not a function key.
/// </summary>
public sealed class PutConsent(ApiAccess access, SchoolApi api)
{
    [Function(nameof(PutConsent))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "schools/{school}/consent/{subjectId}")] HttpRequest request,
        string school,
        string subjectId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MediaGateApi.PutConsent(request.HttpContext, school, subjectId, access, api, cancellationToken);
    }
}
