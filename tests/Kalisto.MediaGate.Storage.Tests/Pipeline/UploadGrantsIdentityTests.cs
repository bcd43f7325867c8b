using System.Globalization;
using System.Net;
using System.Web;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Storage.Tests.Pipeline;

/// <summary>
/// With an identity (Azure) the URL is a user delegation SAS. Azurite has no Entra ID, so the blob service is a
/// recorded stand-in here (it answers the existence check and Get User Delegation Key as Azure does); the ledger is
/// on Azurite.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class UploadGrantsIdentityTests(Azurite azurite)
{
    [Fact]
    public async Task With_an_identity_the_url_is_a_user_delegation_sas_and_the_key_is_kept()
    {
        var now = DateTimeOffset.UtcNow;
        var blobService = new RecordedBlobService(now);
        var names = Azurite.NewNames();
        var storage = new MediaStorage(
            new BlobServiceClient(new Uri("https://mediagate.blob.core.windows.net"), new StaticToken(), new BlobClientOptions { Transport = new HttpClientTransport(new HttpClient(blobService)) }),
            new TableServiceClient(azurite.ConnectionString),
            new QueueServiceClient(azurite.ConnectionString),
            Options.Create(names),
            new StaticToken());
        await storage.UploadGrants.CreateIfNotExistsAsync();
        await using var services = Pipelines.Create(storage, new FixedClock(now));
        var grants = services.GetRequiredService<UploadGrants>();

        var (first, _) = await grants.GrantAsync("de-wilg", "sportdag", "emma.jpg", "user-1", CancellationToken.None);
        var (second, _) = await grants.GrantAsync("de-wilg", "sportdag", "noah.jpg", "user-1", CancellationToken.None);

        Assert.Equal(1, blobService.KeyRequests); // the second URL is signed with the key kept
        foreach (var grant in new[] { first!, second! })
        {
            var query = HttpUtility.ParseQueryString(grant.Url.Query);
            Assert.Equal("c", query["sp"]);
            Assert.Equal("b", query["sr"]);
            Assert.Equal("https", query["spr"]);
            Assert.Equal(RecordedBlobService.ObjectId, query["skoid"]);
            Assert.Equal(RecordedBlobService.TenantId, query["sktid"]);
            Assert.False(string.IsNullOrEmpty(query["sig"]));
            Assert.Equal(now.AddMinutes(15).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), query["se"]);
        }

        Assert.Equal($"/{names.UploadsContainer}/de-wilg/sportdag/emma.jpg", first!.Url.AbsolutePath);
    }

    [Fact]
    public async Task Without_an_identity_or_a_shared_key_no_url_is_made()
    {
        var now = DateTimeOffset.UtcNow;
        var names = Azurite.NewNames();
        var storage = new MediaStorage(
            new BlobServiceClient(new Uri("https://mediagate.blob.core.windows.net"), new BlobClientOptions { Transport = new HttpClientTransport(new HttpClient(new RecordedBlobService(now))) }),
            new TableServiceClient(azurite.ConnectionString),
            new QueueServiceClient(azurite.ConnectionString),
            Options.Create(names));
        await storage.UploadGrants.CreateIfNotExistsAsync();
        await using var services = Pipelines.Create(storage, new FixedClock(now));

        await Assert.ThrowsAsync<InvalidOperationException>(() => services.GetRequiredService<UploadGrants>().GrantAsync("de-wilg", null, "emma.jpg", "user-1", CancellationToken.None));
    }

    private sealed class StaticToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    /// <summary>The blob service as Azure answers it: no blob exists; Get User Delegation Key gives a key for the times asked.</summary>
    private sealed class RecordedBlobService(DateTimeOffset now) : HttpMessageHandler
    {
        public const string ObjectId = "6f1f0e4b-0000-4000-8000-000000000001";
        public const string TenantId = "6f1f0e4b-0000-4000-8000-000000000002";

        public int KeyRequests { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Head)
            {
                var missing = new HttpResponseMessage(HttpStatusCode.NotFound);
                missing.Headers.Add("x-ms-error-code", "BlobNotFound");
                return missing;
            }

            if (request.Method == HttpMethod.Post && request.RequestUri!.Query.Contains("comp=userdelegationkey", StringComparison.Ordinal))
            {
                Assert.Equal("Bearer token", request.Headers.Authorization?.ToString());
                KeyRequests++;
                var body = await request.Content!.ReadAsStringAsync(cancellationToken);
                Assert.Contains("<Expiry>", body, StringComparison.Ordinal);
                var xml = $"""
                    <?xml version="1.0" encoding="utf-8"?>
                    <UserDelegationKey><SignedOid>{ObjectId}</SignedOid><SignedTid>{TenantId}</SignedTid><SignedStart>{Moment(now.AddMinutes(-5))}</SignedStart><SignedExpiry>{Moment(now.AddHours(6))}</SignedExpiry><SignedService>b</SignedService><SignedVersion>2026-10-06</SignedVersion><Value>{Convert.ToBase64String(new byte[32])}</Value></UserDelegationKey>
                    """;
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(xml, System.Text.Encoding.UTF8, "application/xml") };
            }

            return new HttpResponseMessage(HttpStatusCode.Forbidden);
        }

        private static string Moment(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
