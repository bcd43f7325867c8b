using Kalisto.MediaGate.Web;
using Kalisto.MediaGate.Web.Access;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// <c>GET schools/{school}/items/{itemKey}/download?channel=</c>: the publishable copy of an approved item for one channel (communications, privacy). Anonymous to the Functions host: who may is the
/// app's own check (<see cref="ApiAccess"/>, the signed-in user of App Service Authentication), not a function key.
/// </summary>
public sealed class DownloadItem(ApiAccess access, SchoolApi api)
{
    [Function(nameof(DownloadItem))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schools/{school}/items/{itemKey}/download")] HttpRequest request,
        string school,
        string itemKey,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MediaGateApi.DownloadItem(request.HttpContext, school, itemKey, request.Query["channel"], access, api, cancellationToken);
    }
}
