using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Storage.Tests.Pipeline;

/// <summary>The blob service's CORS rule for the web app's origin on Azurite (the service's properties are shared, so each test has its own origin).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class UploadCorsTests(Azurite azurite)
{
    [Fact]
    public async Task The_rule_lets_the_origin_put_with_the_upload_headers_and_keeps_every_other_rule()
    {
        var service = new BlobServiceClient(azurite.ConnectionString);
        var other = await AddRuleAsync(service, "https://other.example", "GET", "*");
        var origin = new Uri($"http://127.0.0.1:{Random.Shared.Next(20_000, 60_000)}/app/de-wilg/upload");

        Assert.True(await UploadCors.AllowAsync(service, origin, CancellationToken.None));
        Assert.False(await UploadCors.AllowAsync(service, origin, CancellationToken.None));

        var rules = (await service.GetPropertiesAsync()).Value.Cors;
        var rule = Assert.Single(rules, r => r.AllowedOrigins == origin.GetLeftPart(UriPartial.Authority));
        Assert.Equal("PUT", rule.AllowedMethods);
        Assert.Equal(UploadCors.AllowedHeaders, rule.AllowedHeaders);
        Assert.Contains("if-none-match", rule.AllowedHeaders.Split(','));
        Assert.Contains("x-ms-blob-content-type", rule.AllowedHeaders.Split(','));
        Assert.Single(rules, r => r.AllowedOrigins == other);
    }

    [Fact]
    public async Task An_older_rule_of_the_origin_without_the_block_upload_headers_is_replaced()
    {
        var service = new BlobServiceClient(azurite.ConnectionString);
        var origin = new Uri($"http://127.0.0.1:{Random.Shared.Next(20_000, 60_000)}/");
        var allowed = await AddRuleAsync(service, origin.GetLeftPart(UriPartial.Authority), "PUT", "content-type,x-ms-blob-type,x-ms-meta-uploader,x-ms-version,x-ms-client-request-id");

        Assert.True(await UploadCors.AllowAsync(service, origin, CancellationToken.None));

        var rule = Assert.Single((await service.GetPropertiesAsync()).Value.Cors, r => r.AllowedOrigins == allowed);
        Assert.Equal(UploadCors.AllowedHeaders, rule.AllowedHeaders);
    }

    private static async Task<string> AddRuleAsync(BlobServiceClient service, string origin, string methods, string headers)
    {
        var properties = (await service.GetPropertiesAsync()).Value;
        var rules = (properties.Cors ?? []).Where(r => r.AllowedOrigins != origin).ToList();
        rules.Add(new BlobCorsRule { AllowedOrigins = origin, AllowedMethods = methods, AllowedHeaders = headers, ExposedHeaders = "", MaxAgeInSeconds = 60 });
        properties.Cors = rules;
        await service.SetPropertiesAsync(properties);
        return origin;
    }
}
