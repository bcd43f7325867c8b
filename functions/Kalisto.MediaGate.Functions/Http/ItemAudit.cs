using Kalisto.MediaGate.Web;
using Kalisto.MediaGate.Web.Access;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// <c>GET schools/{school}/items/{itemKey}/audit</c>: every decision about one item (privacy). Anonymous to the Functions host: who may is the
/// app's own check (<see cref="ApiAccess"/>, the signed-in user of App Service Authentication), not a function key.
/// </summary>
public sealed class ItemAudit(ApiAccess access, SchoolApi api)
{
    [Function(nameof(ItemAudit))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schools/{school}/items/{itemKey}/audit")] HttpRequest request,
        string school,
        string itemKey,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MediaGateApi.ItemAudit(request.HttpContext, school, itemKey, access, api, cancellationToken);
    }
}
