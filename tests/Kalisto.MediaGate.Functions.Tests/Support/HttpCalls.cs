using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>What a function's result wrote: status, headers and body, as a client receives them.</summary>
internal sealed record HttpAnswer(int Status, string? ContentType, IHeaderDictionary Headers, string Body)
{
    /// <summary>The body as it was written, byte for byte (a download's file).</summary>
    public byte[] Bytes { get; init; } = [];

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
    /// <summary>
    /// A request to the app of <paramref name="host"/> (its services, as the worker's are) from <paramref name="user"/>
    /// (default the admin; none with <paramref name="anonymous"/>) signed in by App Service Authentication.
    /// </summary>
    public static HttpRequest Request(this FunctionsHost host, string? body = null, string? contentType = null, string? query = null, TestUser? user = null, bool anonymous = false)
    {
        ArgumentNullException.ThrowIfNull(host);
        // One scope per request, as ASP.NET Core gives each request (authentication handlers are per request).
        var context = new DefaultHttpContext { RequestServices = host.Services.CreateScope().ServiceProvider };
        context.Request.Body = new MemoryStream(body is null ? [] : Encoding.UTF8.GetBytes(body));
        context.Request.ContentType = contentType;
        if (query is not null)
        {
            context.Request.QueryString = new QueryString(query);
        }

        if (!anonymous)
        {
            context.Request.Headers["X-MS-CLIENT-PRINCIPAL"] = (user ?? TestUsers.Admin).Header();
        }

        return context.Request;
    }

    public static HttpRequest Json(this FunctionsHost host, string body, TestUser? user = null) => host.Request(body, "application/json", user: user);

    public static HttpRequest Query(this FunctionsHost host, string query, TestUser? user = null) => host.Request(query: query, user: user);

    public static async Task<HttpAnswer> AnswerAsync(this FunctionsHost host, Task<IResult> call)
    {
        // One scope per request, as ASP.NET Core gives each request (authentication handlers are per request).
        var context = new DefaultHttpContext { RequestServices = host.Services.CreateScope().ServiceProvider };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await (await call).ExecuteAsync(context);
        var bytes = body.ToArray();
        return new HttpAnswer(context.Response.StatusCode, context.Response.ContentType, context.Response.Headers, Encoding.UTF8.GetString(bytes)) { Bytes = bytes };
    }
}
