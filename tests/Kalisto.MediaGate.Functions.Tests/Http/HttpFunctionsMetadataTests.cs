namespace Kalisto.MediaGate.Functions.Tests.Http;

/// <summary>The HTTP triggers as the worker SDK generated them: the routes, methods and key level the host will serve.</summary>
public sealed class HttpFunctionsMetadataTests
{
    [Theory]
    [InlineData("GetConsent", "get", "schools/{school}/consent/{subjectId}")]
    [InlineData("PutConsent", "put", "schools/{school}/consent/{subjectId}")]
    [InlineData("WithdrawConsent", "post", "schools/{school}/consent/{subjectId}/withdraw")]
    [InlineData("ImportConsent", "post", "schools/{school}/consent/import")]
    [InlineData("ListItems", "get", "schools/{school}/items")]
    [InlineData("ItemAudit", "get", "schools/{school}/items/{itemKey}/audit")]
    [InlineData("ExportAudit", "get", "schools/{school}/audit")]
    public void Each_api_function_is_an_http_trigger_on_its_school_scoped_route_that_needs_a_function_key(string function, string method, string route)
    {
        var trigger = FunctionsMetadataTests.Binding(function, "httpTrigger");

        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Function", trigger.GetProperty("authLevel").GetString());
        Assert.StartsWith("schools/{school}/", route, StringComparison.Ordinal);
        var output = FunctionsMetadataTests.Binding(function, "http");
        Assert.Equal("$return", output.GetProperty("name").GetString());
    }
}
