using System.Text;
using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Functions.Http;
using Kalisto.MediaGate.Tests.Support;
using Kalisto.MediaGate.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Kalisto.MediaGate.Cli.Tests.Commands;

/// <summary>
/// Who may call which route (SPEC §10), through both hosts: every route × no user, a teacher, a communications officer
/// and a privacy officer of de-wilg, and an admin × their own school (de-wilg) and another (het-anker). 401 without a
/// user; 403 outside the caller's schools or role; otherwise the handler answers (200, 400 or 404 here: never 401 or 403);
/// the Functions app (App Service Authentication's principal) and <c>mediagate serve</c> (the development sign-in) answer
/// every cell with the same status.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AccessMatrixTests(Azurite azurite, ITestOutputHelper output)
{
    private const string Own = "de-wilg";
    private const string Other = "het-anker";
    private const string Key = "0123456789abcdef0123456789abcdef";

    private static readonly (string Name, TestUser? User, string? DevUser, Role? Role)[] Callers =
    [
        ("no user", null, null, null),
        ("teacher", TestUsers.Teacher, "teacher@de-wilg", Role.Teacher),
        ("communications", TestUsers.Communications, "communications@de-wilg", Role.Communications),
        ("privacy", TestUsers.Privacy, "privacy@de-wilg", Role.Privacy),
        ("admin", TestUsers.Admin, "admin", Role.Admin),
    ];

    /// <summary>Every route, with a request that reaches its handler, the permission it needs (none: any signed-in user) and its Functions trigger.</summary>
    private static readonly ApiRoute[] Routes =
    [
        new("Me", "GET", "api/me", null, null, null, (h, r, _) => h.Function<HttpApi>().Me(r)),
        new("ListConsent", "GET", "api/schools/{school}/consent", Permission.ReadRegister, null, null, (h, r, s) => h.Function<HttpApi>().ListConsent(r, s, default)),
        new("GetConsent", "GET", "api/schools/{school}/consent/LL-1001", Permission.ReadRegister, null, null, (h, r, s) => h.Function<HttpApi>().GetConsent(r, s, "LL-1001", default)),
        new("ConsentHistory", "GET", "api/schools/{school}/consent/LL-1001/history", Permission.ReadHistory, null, null, (h, r, s) => h.Function<HttpApi>().ConsentHistory(r, s, "LL-1001", default)),
        new("PutConsent", "PUT", "api/schools/{school}/consent/LL-1001", Permission.ChangeConsent, "{}", "application/json", (h, r, s) => h.Function<HttpApi>().PutConsent(r, s, "LL-1001", default)),
        new("WithdrawConsent", "POST", "api/schools/{school}/consent/LL-1001/withdraw", Permission.WithdrawConsent, null, null, (h, r, s) => h.Function<HttpApi>().WithdrawConsent(r, s, "LL-1001", default)),
        new("ImportConsent", "POST", "api/schools/{school}/consent/import", Permission.ImportConsent, "school\n", "text/csv", (h, r, s) => h.Function<HttpApi>().ImportConsent(r, s, default)),
        new("ListItems", "GET", "api/schools/{school}/items?state=approved", Permission.ReadItems, null, null, (h, r, s) => h.Function<HttpApi>().ListItems(r, s, default)),
        new("ListItems", "GET", "api/schools/{school}/items?state=quarantined", Permission.ReadQuarantine, null, null, (h, r, s) => h.Function<HttpApi>().ListItems(r, s, default)),
        new("ItemAudit", "GET", $"api/schools/{{school}}/items/{Key}/audit", Permission.ReadHistory, null, null, (h, r, s) => h.Function<HttpApi>().ItemAudit(r, s, Key, default)),
        new("DownloadItem", "GET", $"api/schools/{{school}}/items/{Key}/download?channel=website", Permission.DownloadApproved, null, null, (h, r, s) => h.Function<HttpApi>().DownloadItem(r, s, Key, default)),
        new("DownloadItemsZip", "GET", $"api/schools/{{school}}/items/zip?channel=website&key={Key}", Permission.DownloadApproved, null, null, (h, r, s) => h.Function<HttpApi>().DownloadItemsZip(r, s, default)),
        new("RescreenItem", "POST", $"api/schools/{{school}}/items/{Key}/rescreen", Permission.RequestRescreen, null, null, (h, r, s) => h.Function<HttpApi>().RescreenItem(r, s, Key, default)),
        new("ItemPreview", "GET", $"api/schools/{{school}}/items/{Key}/preview", Permission.ReadItems, null, null, (h, r, s) => h.Function<HttpApi>().ItemPreview(r, s, Key, default), [Permission.ReadQuarantine, Permission.ReadOwnUploads]),
        new("CreateUpload", "POST", "api/schools/{school}/uploads", Permission.UploadMedia, """{"file_name": "IMG_0001.jpg"}""", "application/json", (h, r, s) => h.Function<HttpApi>().CreateUpload(r, s, default)),
        new("MyUploads", "GET", "api/schools/{school}/uploads/mine", Permission.ReadOwnUploads, null, null, (h, r, s) => h.Function<HttpApi>().MyUploads(r, s, default)),
        new("ExportAudit", "GET", "api/schools/{school}/audit?from=2026-11-01&to=2026-11-30", Permission.ExportAudit, null, null, (h, r, s) => h.Function<HttpApi>().ExportAudit(r, s, default)),
    ];

    [Fact]
    public void The_matrix_covers_every_route_the_web_layer_maps()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddMediaGateWeb();
        var app = builder.Build();
        app.MapMediaGateApi();
        var mapped = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName);

        Assert.Equal(mapped.Order(StringComparer.Ordinal), Routes.Select(r => r.Name).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_route_answers_401_403_or_its_handler_by_role_and_school_in_both_hosts()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var functions = await FunctionsHost.StartAsync(azurite);
        var report = new StringBuilder("| route | school | " + string.Join(" | ", Callers.Select(c => c.Name)) + " |\n|---|---|" + string.Concat(Callers.Select(_ => "---|")) + "\n");
        var cells = new Dictionary<(ApiRoute, string, string), (int Functions, int Serve)>();
        foreach (var (name, user, devUser, _) in Callers)
        {
            await using var serve = devUser is null
                ? await Served.StartAsync(azurite.ConnectionString)
                : await Served.StartAsync(azurite.ConnectionString, "--dev-user", devUser);
            using var client = new HttpClient { BaseAddress = serve.Address };
            foreach (var route in Routes)
            {
                foreach (var school in new[] { Own, Other })
                {
                    var path = route.Path.Replace("{school}", school, StringComparison.Ordinal);
                    var query = path.Contains('?', StringComparison.Ordinal) ? path[path.IndexOf('?', StringComparison.Ordinal)..] : null;
                    var request = user is null
                        ? functions.Request(route.Body, route.ContentType, query, anonymous: true)
                        : functions.Request(route.Body, route.ContentType, query, user);
                    var viaFunctions = (await functions.AnswerAsync(route.Function(functions, request, school))).Status;
                    using var message = new HttpRequestMessage(new HttpMethod(route.Method), path);
                    if (route.Body is not null)
                    {
                        message.Content = new StringContent(route.Body, Encoding.UTF8, route.ContentType!);
                    }

                    var viaServe = (int)(await client.SendAsync(message)).StatusCode;
                    cells[(route, school, name)] = (viaFunctions, viaServe);
                }
            }
        }

        foreach (var route in Routes)
        {
            foreach (var school in new[] { Own, Other })
            {
                report.Append($"| {route.Method} {route.Path.Replace("api/schools/{school}", "…", StringComparison.Ordinal)} | {(school == Own ? "own" : "other")} |");
                foreach (var (name, _, _, role) in Callers)
                {
                    var (viaFunctions, viaServe) = cells[(route, school, name)];
                    var expected = Expected(role, school, route.Permission, route.OrElse);
                    Assert.True(viaFunctions == viaServe, $"{route.Method} {route.Path} in {school} as {name}: Functions {viaFunctions}, serve {viaServe}");
                    if (expected == 0)
                    {
                        Assert.True(viaFunctions is not (401 or 403 or >= 500), $"{route.Method} {route.Path} in {school} as {name} should reach its handler, got {viaFunctions}");
                    }
                    else
                    {
                        Assert.True(viaFunctions == expected, $"{route.Method} {route.Path} in {school} as {name}: expected {expected}, got {viaFunctions}");
                    }

                    report.Append($" {viaFunctions} |");
                }

                report.Append('\n');
            }
        }

        output.WriteLine(report.ToString());
    }

    /// <summary>401, 403, or 0 for "the handler answers" (with the permission, or one of those it may do instead).</summary>
    private static int Expected(Role? role, string school, Permission? permission, IReadOnlyList<Permission>? orElse) =>
        role is not { } r ? 401
        : permission is not { } p ? 0
        : new[] { p }.Concat(orElse ?? []).Any(q => RolePermissions.Has(r, q)) && (r == Role.Admin || school == Own) ? 0
        : 403;

    private sealed record ApiRoute(
        string Name,
        string Method,
        string Path,
        Permission? Permission,
        string? Body,
        string? ContentType,
        Func<FunctionsHost, HttpRequest, string, Task<IResult>> Function,
        IReadOnlyList<Permission>? OrElse = null);
}
