using Kalisto.MediaGate.Web;
using Kalisto.MediaGate.Web.Access;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// <c>POST schools/{school}/items/{itemKey}/rescreen</c>: screens one item again now (communications, privacy). Anonymous to the Functions host: who may is the
/// app's own check (<see cref="ApiAccess"/>, the signed-in user of App Service Authentication), not a function key.
/// </summary>
public sealed class RescreenItem(ApiAccess access, SchoolApi api)
{
    [Function(nameof(RescreenItem))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "schools/{school}/items/{itemKey}/rescreen")] HttpRequest request,
        string school,
        string itemKey,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MediaGateApi.RescreenItem(request.HttpContext, school, itemKey, access, api, cancellationToken);
    }
}
