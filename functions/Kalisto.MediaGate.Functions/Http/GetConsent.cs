using Kalisto.MediaGate.Web;
using Kalisto.MediaGate.Web.Access;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// <c>GET schools/{school}/consent/{subjectId}</c>: one record with its version (privacy). Anonymous to the Functions host: who may is the
/// app's own check (<see cref="ApiAccess"/>, the signed-in user of App Service Authentication), not a function key.
/// </summary>
public sealed class GetConsent(ApiAccess access, SchoolApi api)
{
    [Function(nameof(GetConsent))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schools/{school}/consent/{subjectId}")] HttpRequest request,
        string school,
        string subjectId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MediaGateApi.GetConsent(request.HttpContext, school, subjectId, access, api, cancellationToken);
    }
}
