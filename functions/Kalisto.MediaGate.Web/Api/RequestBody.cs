using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Kalisto.MediaGate.Web.Api;

/// <summary>
/// Reading a request body within a limit and binding it with System.Text.Json (<see cref="ApiJson.Requests"/>:
/// snake_case, unknown members, duplicate members and numbers in strings refused). A binding error becomes a
/// validation error on the member it is about, never an exception.
/// </summary>
internal static class RequestBody
{
    public const string Unreadable = "The body is not valid JSON; nothing was changed.";

    public const string ChannelsMessage = "must be an array of channel names, such as [\"newsletter\", \"website\"]";

    public const string VersionMessage = "must be the whole number of the version read (to replace only that version)";

    /// <summary>
    /// The body bound to <typeparamref name="T"/>; a problem (413, 415) when it cannot be read; validation errors
    /// added to <paramref name="errors"/> (and no body) when it is not a valid <typeparamref name="T"/>. No body at
    /// all, when not <paramref name="required"/>, is neither a body nor a problem.
    /// </summary>
    public static async Task<(T? Body, ProblemHttpResult? Problem)> ReadJsonAsync<T>(HttpRequest request, int limit, bool required, ApiErrors errors, CancellationToken cancellationToken)
        where T : class
    {
        var bytes = await ReadAsync(request.Body, limit, cancellationToken);
        if (bytes is null)
        {
            return (null, TooLarge(limit));
        }

        if (!required && bytes.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return (null, null);
        }

        if (!string.IsNullOrWhiteSpace(request.ContentType) && !request.HasJsonContentType())
        {
            return (null, UnsupportedMediaType("application/json"));
        }

        // First the syntax (a member given twice is a fault of the whole body), then the members.
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            errors.Add("body", bytes.Length == 0 ? "is empty; expected a JSON object" : $"is not valid JSON: {e.Message}");
            return (null, null);
        }

        using (document)
        {
            try
            {
                var body = document.Deserialize<T>(ApiJson.Requests);
                if (body is null)
                {
                    errors.Add("body", "must be a JSON object");
                }

                return (body, null);
            }
            catch (JsonException e)
            {
                var (member, message) = Describe(typeof(T), e);
                errors.Add(member, message);
                return (null, null);
            }
        }
    }

    /// <summary>Whether a Content-Type is <paramref name="expected"/>; none at all is accepted.</summary>
    public static bool IsUnlabelledOr(HttpRequest request, string expected) =>
        string.IsNullOrWhiteSpace(request.ContentType)
        || (MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed)
            && parsed.MediaType.Equals(expected, StringComparison.OrdinalIgnoreCase));

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public static ProblemHttpResult UnsupportedMediaType(string expected) =>
        TypedResults.Problem($"Send the body as {expected}.", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    public static ProblemHttpResult TooLarge(int limit) =>
        TypedResults.Problem($"The body is larger than {limit / 1024} KiB.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");

    /// <summary>The member a binding error is about (its JSON path's first step) and what is wrong with it.</summary>
    private static (string Member, string Message) Describe(Type type, JsonException e)
    {
        var member = FirstMember(e.Path);
        if (member is null)
        {
            return ("body", "must be a JSON object with the fields " + string.Join(", ", Members(type)));
        }

        if (!Members(type).Contains(member, StringComparer.Ordinal))
        {
            return (member, $"is not a field here; expected {string.Join(", ", Members(type))}");
        }

        return (member, member switch
        {
            "channels" => ChannelsMessage,
            "version" => VersionMessage,
            _ => "must be a string",
        });
    }

    private static IEnumerable<string> Members(Type type) => ApiJson.Requests.GetTypeInfo(type).Properties.Select(p => p.Name);

    /// <summary>The first member of a JSON path such as <c>$.channels[0]</c> or <c>$['a b']</c>; null for the root.</summary>
    private static string? FirstMember(string? path)
    {
        if (path is null || path.Length < 2 || path[0] != '$')
        {
            return null;
        }

        if (path[1] == '.')
        {
            var end = path.IndexOfAny(['.', '['], 2);
            return end < 0 ? path[2..] : path[2..end];
        }

        if (path.StartsWith("$['", StringComparison.Ordinal))
        {
            var end = path.IndexOf("']", 3, StringComparison.Ordinal);
            return end < 0 ? null : path[3..end];
        }

        return null;
    }
}
