using System.Diagnostics;
using Kalisto.MediaGate.Storage.Api;
using Microsoft.AspNetCore.Http;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>Between ASP.NET Core's request and response and the host-independent <see cref="SchoolApi"/>.</summary>
internal static class HttpApi
{
    /// <summary>The header App Service Authentication sets to the signed-in caller (and strips from what clients send).</summary>
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL-NAME";

    public static ApiRequest ToApiRequest(this HttpRequest request) =>
        new(request.Body, request.ContentType, request.Headers[PrincipalHeader]);

    /// <summary>The response: JSON, a file, or RFC 9457 problem details (<c>application/problem+json</c>).</summary>
    public static IResult ToHttpResult(this ApiResult result) => result switch
    {
        ApiResult.Json json => TypedResults.Json(json.Body, ApiJson.Options, statusCode: json.Status),
        ApiResult.Download file => TypedResults.File(file.Content, file.ContentType, file.FileName),
        ApiResult.Problem { Errors: { } errors } problem => TypedResults.ValidationProblem(errors, problem.Detail, title: problem.Title),
        ApiResult.Problem problem => TypedResults.Problem(problem.Detail, statusCode: problem.Status, title: problem.Title),
        _ => throw new UnreachableException($"Unknown API result {result.GetType().Name}."),
    };

    public static async Task<IResult> ToHttpResultAsync(this Task<ApiResult> result) => (await result).ToHttpResult();
}
