using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// <c>GET schools/{school}/items?state=quarantined</c>: the school's items in one state (the review list by
/// default), with subject IDs and never names.
/// </summary>
public sealed class ListItems(SchoolApi api)
{
    [Function(nameof(ListItems))]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "schools/{school}/items")] HttpRequest request,
        string school,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await api.ListItemsAsync(school, request.Query["state"], cancellationToken);
    }
}
