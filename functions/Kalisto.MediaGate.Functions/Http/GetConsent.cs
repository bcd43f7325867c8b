using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary><c>GET schools/{school}/consent/{subjectId}</c>: one record of the register, with its version.</summary>
public sealed class GetConsent(SchoolApi api)
{
    [Function(nameof(GetConsent))]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "schools/{school}/consent/{subjectId}")] HttpRequest request,
        string school,
        string subjectId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await api.GetConsentAsync(school, subjectId, cancellationToken);
    }
}
