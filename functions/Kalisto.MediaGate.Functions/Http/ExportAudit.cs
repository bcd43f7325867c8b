using Kalisto.MediaGate.Web;
using Kalisto.MediaGate.Web.Access;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// <c>GET schools/{school}/audit?from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>: the school's decisions in those days as CSV (privacy). Anonymous to the Functions host: who may is the
/// app's own check (<see cref="ApiAccess"/>, the signed-in user of App Service Authentication), not a function key.
/// </summary>
public sealed class ExportAudit(ApiAccess access, SchoolApi api)
{
    [Function(nameof(ExportAudit))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schools/{school}/audit")] HttpRequest request,
        string school,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MediaGateApi.ExportAudit(request.HttpContext, school, request.Query["from"], request.Query["to"], access, api, cancellationToken);
    }
}
