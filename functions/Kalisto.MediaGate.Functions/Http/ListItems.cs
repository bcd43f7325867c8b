using Kalisto.MediaGate.Web;
using Kalisto.MediaGate.Web.Access;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// <c>GET schools/{school}/items?state=&amp;channel=&amp;page_size=&amp;continuation=</c>: one page of the school's items in one state (communications, privacy). Anonymous to the Functions host: who may is the
/// app's own check (<see cref="ApiAccess"/>, the signed-in user of App Service Authentication), not a function key.
/// </summary>
public sealed class ListItems(ApiAccess access, SchoolApi api)
{
    [Function(nameof(ListItems))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schools/{school}/items")] HttpRequest request,
        string school,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MediaGateApi.ListItems(request.HttpContext, school, request.Query["state"], request.Query["channel"], request.Query["page_size"], request.Query["continuation"], access, api, cancellationToken);
    }
}
