using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kalisto.MediaGate.Web;

/// <summary>The routes of the HTTP API, for a host that serves it itself (<c>mediagate serve</c>); the Functions app's triggers have the same.</summary>
public static class MediaGateApi
{
    /// <summary>The routes' prefix, as the Functions host has it (<c>api</c>, its default route prefix).</summary>
    public const string Prefix = "/api/schools/{school}";

    /// <summary>
    /// Maps the school's routes (README "HTTP API") under <see cref="Prefix"/>, each named as its Functions trigger and
    /// answered by <see cref="SchoolApi"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapMediaGateApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var school = endpoints.MapGroup(Prefix);
        school.MapGet("/consent/{subjectId}", (string school, string subjectId, SchoolApi api, CancellationToken cancellationToken) =>
            api.GetConsentAsync(school, subjectId, cancellationToken)).WithName("GetConsent");
        school.MapPut("/consent/{subjectId}", (string school, string subjectId, HttpRequest request, SchoolApi api, CancellationToken cancellationToken) =>
            api.PutConsentAsync(school, subjectId, request, cancellationToken)).WithName("PutConsent");
        school.MapPost("/consent/{subjectId}/withdraw", (string school, string subjectId, HttpRequest request, SchoolApi api, CancellationToken cancellationToken) =>
            api.WithdrawConsentAsync(school, subjectId, request, cancellationToken)).WithName("WithdrawConsent");
        school.MapPost("/consent/import", (string school, HttpRequest request, SchoolApi api, CancellationToken cancellationToken) =>
            api.ImportConsentAsync(school, request, cancellationToken)).WithName("ImportConsent");
        school.MapGet("/items", (string school, string? state, SchoolApi api, CancellationToken cancellationToken) =>
            api.ListItemsAsync(school, state, cancellationToken)).WithName("ListItems");
        school.MapGet("/items/{itemKey}/audit", (string school, string itemKey, SchoolApi api, CancellationToken cancellationToken) =>
            api.ItemAuditAsync(school, itemKey, cancellationToken)).WithName("ItemAudit");
        school.MapGet("/audit", (string school, string? from, string? to, SchoolApi api, CancellationToken cancellationToken) =>
            api.ExportAuditAsync(school, from, to, cancellationToken)).WithName("ExportAudit");
        return endpoints;
    }
}
