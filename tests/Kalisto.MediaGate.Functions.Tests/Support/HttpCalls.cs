using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>What a function's result wrote: status, headers and body, as a client receives them.</summary>
internal sealed record HttpAnswer(int Status, string? ContentType, IHeaderDictionary Headers, string Body)
{
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }

    /// <summary>The <c>errors</c> map of validation problem details, after checking that that is what this is.</summary>
    public Dictionary<string, string[]> ValidationErrors()
    {
        Assert.Equal(400, Status);
        Assert.Equal("application/problem+json", ContentType);
        var problem = Json();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }

    public override string ToString() => $"{Status} {ContentType}: {Body}";
}

/// <summary>
/// HTTP requests for the function classes, and their <see cref="IResult"/> executed the way the worker's
/// ASP.NET Core integration executes it: into an <see cref="HttpContext"/> whose services are the app's.
/// </summary>
internal static class HttpCalls
{
    public static HttpRequest Request(string? body = null, string? contentType = null, string? query = null, string? principal = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body is null ? [] : Encoding.UTF8.GetBytes(body));
        context.Request.ContentType = contentType;
        if (query is not null)
        {
            context.Request.QueryString = new QueryString(query);
        }

        if (principal is not null)
        {
            context.Request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"] = principal;
        }

        return context.Request;
    }

    public static HttpRequest Json(string body) => Request(body, "application/json");

    public static HttpRequest Query(string query) => Request(query: query);

    public static async Task<HttpAnswer> AnswerAsync(this FunctionsHost host, Task<IResult> call)
    {
        var context = new DefaultHttpContext { RequestServices = host.Services };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await (await call).ExecuteAsync(context);
        return new HttpAnswer(context.Response.StatusCode, context.Response.ContentType, context.Response.Headers, Encoding.UTF8.GetString(body.ToArray()));
    }
}
