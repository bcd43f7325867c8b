using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// <c>GET schools/{school}/audit?from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>: the school's decisions in those days
/// (<c>to</c> inclusive, in the schools' time zone) as CSV, for the privacy officer.
/// </summary>
public sealed class ExportAudit(SchoolApi api)
{
    [Function(nameof(ExportAudit))]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "schools/{school}/audit")] HttpRequest request,
        string school,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await api.ExportAuditAsync(school, request.Query["from"], request.Query["to"], cancellationToken);
    }
}
