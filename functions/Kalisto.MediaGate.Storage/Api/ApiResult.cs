namespace Kalisto.MediaGate.Storage.Api;

/// <summary>
/// What an API call answers, independent of the HTTP host: the Functions app turns it into a response
/// (JSON, a file, or RFC 9457 problem details).
/// </summary>
public abstract record ApiResult
{
    private ApiResult()
    {
    }

    /// <summary>A JSON body, written with <see cref="ApiJson.Options"/>.</summary>
    public sealed record Json(object Body, int Status = 200) : ApiResult;

    /// <summary>A file to download.</summary>
    public sealed record Download(byte[] Content, string ContentType, string FileName) : ApiResult;

    /// <summary>
    /// Problem details. With <see cref="Errors"/> (field → messages) they are validation problem details,
    /// always status 400.
    /// </summary>
    public sealed record Problem(int Status, string Title, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null) : ApiResult;
}

/// <summary>The parts of an HTTP request the API reads.</summary>
/// <param name="Body">The request body (read asynchronously, at most once).</param>
/// <param name="ContentType">The <c>Content-Type</c> header, if any.</param>
/// <param name="Principal">
/// The signed-in caller as App Service Authentication passes it on (<c>X-MS-CLIENT-PRINCIPAL-NAME</c>), if it is
/// in front; it is recorded as who changed the register.
/// </param>
public sealed record ApiRequest(Stream Body, string? ContentType, string? Principal = null);
