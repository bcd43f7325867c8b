using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// <c>POST schools/{school}/consent/import</c>: the school's register as CSV (<c>text/csv</c>), all or nothing.
/// </summary>
public sealed class ImportConsent(SchoolApi api)
{
    [Function(nameof(ImportConsent))]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "schools/{school}/consent/import")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        await api.ImportConsentAsync(school, request, cancellationToken);
}
