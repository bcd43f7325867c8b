using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary><c>GET schools/{school}/items/{itemKey}/audit</c>: every decision about one item, oldest first.</summary>
public sealed class ItemAudit(SchoolApi api)
{
    [Function(nameof(ItemAudit))]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "schools/{school}/items/{itemKey}/audit")] HttpRequest request,
        string school,
        string itemKey,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await api.ItemAuditAsync(school, itemKey, cancellationToken);
    }
}
