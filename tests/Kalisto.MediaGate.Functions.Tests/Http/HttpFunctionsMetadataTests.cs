using Kalisto.MediaGate.Web;
using Kalisto.MediaGate.Web.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Functions.Tests.Http;

/// <summary>
/// The HTTP triggers as the worker SDK generated them, against the routes <c>mediagate serve</c> maps: the same
/// names, methods and routes in both hosts, and none that relies on a function key.
/// </summary>
public sealed class HttpFunctionsMetadataTests
{
    [Fact]
    public void Every_route_of_the_web_layer_is_an_anonymous_http_trigger_on_the_same_route_and_method()
    {
        var served = ServedRoutes();
        var functions = FunctionsMetadataTests.Functions()
            .Where(f => f.Bindings.Any(b => b.GetProperty("type").GetString() == "httpTrigger"))
            .Select(f => f.Name)
            .ToList();

        Assert.NotEmpty(served);
        Assert.Equal(served.Keys.Order(StringComparer.Ordinal), functions.Order(StringComparer.Ordinal));
        foreach (var (name, (method, route)) in served)
        {
            var trigger = FunctionsMetadataTests.Binding(name, "httpTrigger");
            Assert.Equal("/" + trigger.GetProperty("route").GetString(), route);
            Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()));
            Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
            Assert.Equal("$return", FunctionsMetadataTests.Binding(name, "http").GetProperty("name").GetString());
        }
    }

    [Fact]
    public void Every_route_but_the_callers_own_is_scoped_to_one_school()
    {
        Assert.All(
            ServedRoutes().Where(r => r.Value.Route.StartsWith("/api/", StringComparison.Ordinal) && r.Key != "Me"),
            r => Assert.StartsWith("/api/schools/{school}/", r.Value.Route, StringComparison.Ordinal));
    }

    /// <summary>The routes <see cref="MediaGateApi.MapMediaGateApi"/> and <see cref="MediaGatePages.MapMediaGatePages"/> map, by endpoint name: (method, route pattern).</summary>
    internal static Dictionary<string, (string Method, string Route)> ServedRoutes()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddMediaGateWeb();
        var app = builder.Build();
        app.MapMediaGateApi();
        app.MapMediaGatePages();
        return ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .ToDictionary(
                e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName,
                e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods.Single(), e.RoutePattern.RawText!.TrimEnd('/')));
    }
}
