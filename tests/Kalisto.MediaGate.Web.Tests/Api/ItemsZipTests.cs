using System.IO.Compression;
using System.Text;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Tests.Support;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Web.Tests.Api;

/// <summary>
/// A zip of a selection whose item is withdrawn while the zip is made: never a complete zip without it. Before anything
/// was sent the answer is 409; after, the response is broken off. And the entries' names.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ItemsZipTests(Azurite azurite)
{
    [Theory]
    [InlineData("a.jpg", true)]
    [InlineData("b.jpg", false)]
    public async Task A_withdrawal_while_the_zip_is_made_never_leaves_a_complete_zip(string raced, bool first)
    {
        var fault = new FaultInjection();
        var storage = await azurite.NewStorageAsync(fault);
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        var items = new List<string>();
        foreach (var name in new[] { "a.jpg", "b.jpg" })
        {
            await storage.Uploads.GetBlobClient($"de-wilg/sportdag/{name}").UploadAsync(new BinaryData(TaggedPhoto.Jpeg("LL-1001", 160, 120)));
            var item = await Pipelines.ScreenAsync(services, storage, $"de-wilg/sportdag/{name}");
            Assert.Equal(Outcome.Approved, item!.Outcome);
            items.Add(item.ItemId);
        }

        await using var elsewhere = Pipelines.Create(azurite.CreateStorage(storage.Options));
        var answer = await ActivatorUtilities.CreateInstance<SchoolApi>(services).DownloadZipAsync("de-wilg", items, "website", CancellationToken.None);
        var zip = Assert.IsType<ItemsZipResult>(answer.Result);
        Assert.Equal("de-wilg-website-2026-11-27.zip", zip.FileName);
        var races = 0;
        fault.FailWhen(r =>
        {
            // As the copy is read, the pupil's consent is withdrawn and the items are taken down.
            if (r.Method == Azure.Core.RequestMethod.Get && r.Uri.Path.EndsWith($"/{storage.Approved.Name}/de-wilg/sportdag/{raced}", StringComparison.Ordinal) && races++ == 0)
            {
                Task.Run(async () =>
                {
                    await elsewhere.GetRequiredService<ConsentChanges>().WithdrawAsync("de-wilg", "LL-1001", null, "privacy officer", CancellationToken.None);
                    await elsewhere.GetRequiredService<ItemRescreening>().SettleAsync("de-wilg", items, "consent-change", CancellationToken.None);
                }).GetAwaiter().GetResult();
            }

            return false;
        });

        using var body = new MemoryStream();
        var lifetime = new Lifetime();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Features.Set<IHttpRequestLifetimeFeature>(lifetime);
        context.Response.Body = body;
        await zip.ExecuteAsync(context);
        fault.FailWhen(null);

        Assert.Equal(1, races);
        if (first)
        {
            Assert.Equal((409, "application/problem+json", false), (context.Response.StatusCode, context.Response.ContentType, lifetime.Aborted));
            Assert.False(context.Response.Headers.ContainsKey("Content-Disposition"));
            Assert.Contains(items[0], Encoding.UTF8.GetString(body.ToArray()), StringComparison.Ordinal);
        }
        else
        {
            Assert.True(lifetime.Aborted);
            Assert.ThrowsAny<InvalidDataException>(() => new ZipArchive(new MemoryStream(body.ToArray()), ZipArchiveMode.Read));
        }
    }

    [Theory]
    [InlineData(new[] { "de-wilg/sportdag/a.jpg" }, new[] { "sportdag/a.jpg" })]
    [InlineData(new[] { "de-wilg/a.jpg", "de-wilg/A.JPG", "de-wilg/a.jpg" }, new[] { "a.jpg", "A (2).JPG", "a (3).jpg" })]
    [InlineData(new[] { "de-wilg/../../etc/passwd", "de-wilg//./x" }, new[] { "etc/passwd", "x" })]
    [InlineData(new[] { "de-wilg", "de-wilg/" }, new[] { "item", "item (2)" })]
    public void Entries_are_named_after_the_path_without_the_school_and_unique_case_ignored(string[] locations, string[] names)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        Assert.Equal(names, locations.Select(l => ItemsZipResult.EntryName(l, taken)));
    }

    private sealed class Lifetime : IHttpRequestLifetimeFeature
    {
        public bool Aborted { get; private set; }

        public CancellationToken RequestAborted { get; set; }

        public void Abort() => Aborted = true;
    }

}
