using Kalisto.MediaGate.Web;
using Kalisto.MediaGate.Web.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// <c>GET me</c>: who the caller is and what they may in which school (401 without a signed-in user). Anonymous to the Functions host: who may is the
/// app's own check (<see cref="ApiAccess"/>, the signed-in user of App Service Authentication), not a function key.
/// </summary>
public sealed class Me(ApiAccess access)
{
    [Function(nameof(Me))]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MediaGateApi.Me(request.HttpContext, access);
    }
}
