using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Previews;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Web.Tests.Api;

/// <summary>Who sees which preview, on a real Azurite with items screened and previews made by the pipeline.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PreviewApiTests(Azurite azurite)
{
    private static readonly MediaGateCaller Communications = Caller(Role.Communications, "de-wilg");
    private static readonly MediaGateCaller Teacher = Caller(Role.Teacher, "de-wilg");
    private static readonly MediaGateCaller OtherSchool = Caller(Role.Communications, "het-anker");

    [Fact]
    public async Task Communications_reads_the_preview_of_an_approved_item_as_an_uncached_jpeg()
    {
        await using var school = await SchoolAsync();

        var answer = await school.Api.GetPreviewAsync("de-wilg", school.Approved.ItemId, Communications, Nobody, CancellationToken.None);

        var (status, headers, body) = await ExecuteAsync(school.Services, answer);
        Assert.Equal(200, status);
        Assert.Equal("image/jpeg", headers.ContentType);
        Assert.Equal("private, no-store", headers.CacheControl.ToString());
        Assert.Equal("nosniff", headers.XContentTypeOptions.ToString());
        Assert.Equal(await school.PreviewAsync(school.Approved), body);
        Assert.Equal([0xFF, 0xD8], body[..2]);
    }

    [Fact]
    public async Task Communications_reads_the_preview_of_a_quarantined_item()
    {
        await using var school = await SchoolAsync();

        var answer = await school.Api.GetPreviewAsync("de-wilg", school.Quarantined.ItemId, Communications, Nobody, CancellationToken.None);

        var (status, _, body) = await ExecuteAsync(school.Services, answer);
        Assert.Equal(200, status);
        Assert.Equal(await school.PreviewAsync(school.Quarantined), body);
    }

    [Fact]
    public async Task Teacher_who_uploaded_the_item_reads_its_quarantined_preview()
    {
        await using var school = await SchoolAsync();
        var asked = new List<string>();

        var answer = await school.Api.GetPreviewAsync("de-wilg", school.Quarantined.ItemId, Teacher, (item, _) =>
        {
            asked.Add(item.ItemId);
            return Task.FromResult(true);
        }, CancellationToken.None);

        var (status, _, body) = await ExecuteAsync(school.Services, answer);
        Assert.Equal(200, status);
        Assert.Equal(await school.PreviewAsync(school.Quarantined), body);
        Assert.Equal([school.Quarantined.ItemId], asked);
    }

    [Fact]
    public async Task Teacher_who_uploaded_an_approved_item_reads_its_preview()
    {
        await using var school = await SchoolAsync();

        var answer = await school.Api.GetPreviewAsync("de-wilg", school.Approved.ItemId, Teacher, (_, _) => Task.FromResult(true), CancellationToken.None);

        var (status, _, body) = await ExecuteAsync(school.Services, answer);
        Assert.Equal(200, status);
        Assert.Equal(await school.PreviewAsync(school.Approved), body);
    }

    [Fact]
    public async Task Teacher_who_did_not_upload_the_item_is_refused()
    {
        await using var school = await SchoolAsync();

        var quarantined = await school.Api.GetPreviewAsync("de-wilg", school.Quarantined.ItemId, Teacher, Nobody, CancellationToken.None);
        var approved = await school.Api.GetPreviewAsync("de-wilg", school.Approved.ItemId, Teacher, Nobody, CancellationToken.None);

        Assert.Equal(403, Assert.IsType<ProblemHttpResult>(quarantined).StatusCode);
        Assert.Equal(403, Assert.IsType<ProblemHttpResult>(approved).StatusCode);
    }

    [Fact]
    public async Task A_caller_of_another_school_is_refused_and_told_nothing_about_the_items()
    {
        await using var school = await SchoolAsync();

        foreach (var key in new[] { school.Approved.ItemId, school.Quarantined.ItemId, "0123456789abcdef0123456789abcdef" })
        {
            var answer = await school.Api.GetPreviewAsync("de-wilg", key, OtherSchool, Everybody, CancellationToken.None);
            Assert.Equal(403, Assert.IsType<ProblemHttpResult>(answer).StatusCode);
        }
    }

    [Fact]
    public async Task Unknown_item_or_item_without_a_current_preview_is_404_and_a_bad_address_400()
    {
        await using var school = await SchoolAsync();
        await school.Storage.Uploads.GetBlobClient("de-wilg/nog-niet.jpg").UploadAsync(new BinaryData(TaggedPhoto.Jpeg("LL-1001")));
        var waiting = await Pipelines.ScreenAsync(school.Services, school.Storage, "de-wilg/nog-niet.jpg");
        Assert.Equal(Outcome.Approved, waiting!.Outcome); // its preview is asked for, not made yet

        var unknown = await school.Api.GetPreviewAsync("de-wilg", "0123456789abcdef0123456789abcdef", Communications, Nobody, CancellationToken.None);
        var notYet = await school.Api.GetPreviewAsync("de-wilg", waiting.ItemId, Communications, Nobody, CancellationToken.None);
        var badKey = await school.Api.GetPreviewAsync("de-wilg", "../approved", Communications, Nobody, CancellationToken.None);
        var badSchool = await school.Api.GetPreviewAsync("De Wilg/..", school.Approved.ItemId, Communications, Nobody, CancellationToken.None);

        Assert.Equal(404, Assert.IsType<ProblemHttpResult>(unknown).StatusCode);
        Assert.Equal(404, Assert.IsType<ProblemHttpResult>(notYet).StatusCode);
        Assert.Contains("item_key", Assert.IsType<ValidationProblem>(badKey).ProblemDetails.Errors.Keys);
        Assert.Contains("school", Assert.IsType<ValidationProblem>(badSchool).ProblemDetails.Errors.Keys);
    }

    [Fact]
    public void AddMediaGateWeb_registers_the_preview_handler()
    {
        var services = new ServiceCollection().AddMediaGateWeb();

        Assert.Contains(services, d => d.ServiceType == typeof(PreviewApi));
    }

    private static Task<bool> Nobody(ItemState item, CancellationToken cancellationToken) => Task.FromResult(false);

    private static Task<bool> Everybody(ItemState item, CancellationToken cancellationToken) => Task.FromResult(true);

    private static MediaGateCaller Caller(Role role, string school) => new($"{role}-{school}", null, [new SchoolRole(role, school)]);

    /// <summary>A school with an approved and a quarantined photo, both screened and their previews made.</summary>
    private async Task<School> SchoolAsync()
    {
        var storage = await azurite.NewStorageAsync();
        var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.GetBlobClient("de-wilg/emma.jpg").UploadAsync(new BinaryData(TaggedPhoto.Jpeg("LL-1001")));
        await storage.Uploads.GetBlobClient("de-wilg/onbekend.jpg").UploadAsync(new BinaryData(TaggedPhoto.Jpeg("LL-9999")));
        // Screened, and the tagged photo decided with its faces by the imaging worker.
        var approved = await Pipelines.ScreenAsync(services, storage, "de-wilg/emma.jpg");
        var quarantined = await Pipelines.ScreenAsync(services, storage, "de-wilg/onbekend.jpg");
        Assert.Equal((Outcome.Approved, Outcome.Quarantined), (approved!.Outcome, quarantined!.Outcome));
        var previews = services.GetRequiredService<PreviewPublishing>();
        var (made, failed) = await QueueDrain.RunAsync(storage.PreviewsQueue, (m, ct) => previews.PublishAsync(PreviewPublishing.Parse(m), ct), 1, CancellationToken.None);
        Assert.Equal((2, 0), (made, failed));
        return new School(storage, services, approved, quarantined);
    }

    private static async Task<(int Status, IHeaderDictionary Headers, byte[] Body)> ExecuteAsync(IServiceProvider services, IResult result)
    {
        using var body = new MemoryStream();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, context.Response.Headers, body.ToArray());
    }


    private sealed record School(MediaStorage Storage, ServiceProvider Services, ItemState Approved, ItemState Quarantined) : IAsyncDisposable
    {
        public PreviewApi Api => ActivatorUtilities.CreateInstance<PreviewApi>(Services);

        public async Task<byte[]> PreviewAsync(ItemState item)
        {
            await using var stream = await Services.GetRequiredService<PreviewStore>().OpenAsync(item, CancellationToken.None);
            Assert.NotNull(stream);
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            return bytes.ToArray();
        }

        public ValueTask DisposeAsync() => Services.DisposeAsync();
    }
}
