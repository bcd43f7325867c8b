using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Tests.Support;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Web.Tests.Api;

[Collection(AzuriteCollection.Name)]
public sealed class UploadApiTests(Azurite azurite)
{
    private static readonly MediaGateCaller Teacher = new("0b7f3c1e-2f43-4a57-9d7e-111111111111", "Juf Anna", []);
    private static readonly MediaGateCaller OtherTeacher = new("0b7f3c1e-2f43-4a57-9d7e-222222222222", null, []);

    // Azurite checks the URL's expiry against the real time.
    private readonly FixedClock _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task An_upload_url_is_201_and_my_uploads_follow_it_from_waiting_to_its_outcome()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage, _clock);
        var api = ActivatorUtilities.CreateInstance<UploadApi>(services);

        var answer = await api.CreateUploadAsync("de-wilg", Json("""{"file_name": "IMG_0001.jpg", "folder": "sportdag", "size": 12, "content_type": "image/jpeg"}"""), Teacher, CancellationToken.None);

        var grant = Assert.IsType<Created<UploadGrantResource>>(answer.Result).Value!;
        Assert.Equal(("de-wilg/sportdag/IMG_0001.jpg", "IMG_0001.jpg"), (grant.Path, grant.FileName));
        Assert.Equal(ApiJson.Moment(_clock.Now.AddMinutes(15)), grant.ExpiresAt);
        Assert.Equal(new Dictionary<string, string> { ["x-ms-blob-type"] = "BlockBlob", ["x-ms-meta-uploader"] = Teacher.UserId }, grant.Headers);
        var json = JsonSerializer.Serialize(grant, ApiJson.Options);
        Assert.Contains("\"expires_at\":", json, StringComparison.Ordinal);
        Assert.Contains("\"x-ms-meta-uploader\":", json, StringComparison.Ordinal);
        Assert.Null(grant.BlockSize); // 12 bytes go up in one PUT
        Assert.DoesNotContain("block_size", json, StringComparison.Ordinal);
        Assert.Equal("waiting", Assert.Single(await MineAsync(api, Teacher)).State);

        await new BlobClient(new Uri(grant.Url)).UploadAsync(new BinaryData("not a photo"u8.ToArray()), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["uploader"] = Teacher.UserId } });
        _clock.Now = _clock.Now.AddSeconds(1);
        var item = await services.GetRequiredService<UploadScreening>().ScreenAsync(grant.Path, CancellationToken.None);
        var mine = Assert.Single(await MineAsync(api, Teacher));

        Assert.Equal(("quarantined", item!.Key, grant.Path), (mine.State, mine.ItemKey, mine.Path));
        Assert.Equal(item.Reasons.Select(r => r.Code), mine.Reasons!.Select(r => r.Code));
        Assert.NotEmpty(mine.Reasons!);
        Assert.Equal(ApiJson.Moment(item.DecidedAt), mine.DecidedAt);
        Assert.Empty(mine.Channels!);
        Assert.Empty(await MineAsync(api, OtherTeacher));
        Assert.True(await api.IsUploaderAsync(item, Teacher, CancellationToken.None));
        Assert.False(await api.IsUploaderAsync(item, OtherTeacher, CancellationToken.None));
    }

    [Fact]
    public async Task My_upload_of_a_tagged_photo_is_being_checked_for_faces_until_the_imaging_worker_has_looked()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage, _clock);
        await Pipelines.ImportPeopleAsync(services);
        var api = ActivatorUtilities.CreateInstance<UploadApi>(services);
        var answer = await api.CreateUploadAsync("de-wilg", Json("""{"file_name": "emma.jpg", "folder": "sportdag"}"""), Teacher, CancellationToken.None);
        var grant = Assert.IsType<Created<UploadGrantResource>>(answer.Result).Value!;
        await new BlobClient(new Uri(grant.Url)).UploadAsync(new BinaryData(TaggedPhoto.Jpeg("LL-1001")), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["uploader"] = Teacher.UserId } });
        _clock.Now = _clock.Now.AddSeconds(1);

        await services.GetRequiredService<UploadScreening>().ScreenAsync(grant.Path, CancellationToken.None);
        var waiting = Assert.Single(await MineAsync(api, Teacher));
        await Pipelines.DrainImagingAsync(services, storage);
        var decided = Assert.Single(await MineAsync(api, Teacher));

        Assert.Equal(("screening", true), (waiting.State, waiting.AwaitsFaces));
        Assert.Null(waiting.Faces);
        Assert.Contains("\"awaits_faces\":true", JsonSerializer.Serialize(waiting, ApiJson.Options), StringComparison.Ordinal);
        Assert.Equal(("approved", null), (decided.State, decided.AwaitsFaces));
        Assert.Equal(new FaceResource(0, 0), decided.Faces); // the generated photo shows no face
        Assert.Contains("\"faces\":{\"detected\":0,\"unidentified\":0}", JsonSerializer.Serialize(decided, ApiJson.Options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"file_name": "emma.jpg", "owner": "someone"}""", "owner")]
    [InlineData("""{"file_name": "sportdag/emma.jpg"}""", "file_name")]
    [InlineData("""{"file_name": "emma.jpg", "folder": "../het-anker"}""", "folder")]
    [InlineData("""{"folder": "sportdag"}""", "file_name")]
    [InlineData("""{"file_name": 12}""", "file_name")]
    [InlineData("""{"file_name": "emma.jpg", "size": -1}""", "size")]
    [InlineData("""["emma.jpg"]""", "body")]
    public async Task Bad_requests_are_400_naming_the_field_and_give_no_url(string body, string field)
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage, _clock);
        var api = ActivatorUtilities.CreateInstance<UploadApi>(services);

        var answer = await api.CreateUploadAsync("de-wilg", Json(body), Teacher, CancellationToken.None);

        var problem = Assert.IsType<ValidationProblem>(answer.Result);
        Assert.Contains(field, problem.ProblemDetails.Errors.Keys);
        Assert.Empty(await MineAsync(api, Teacher));
    }

    [Fact]
    public async Task A_school_that_is_no_school_code_is_400_and_a_body_that_is_no_json_is_415()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage, _clock);
        var api = ActivatorUtilities.CreateInstance<UploadApi>(services);
        var text = Json("""{"file_name": "emma.jpg"}""");
        text.ContentType = "text/plain";

        var school = await api.CreateUploadAsync("de wilg/..", Json("""{"file_name": "emma.jpg"}"""), Teacher, CancellationToken.None);
        var unsupported = await api.CreateUploadAsync("de-wilg", text, Teacher, CancellationToken.None);
        var listing = await api.MyUploadsAsync("../de-wilg", Teacher, CancellationToken.None);

        Assert.Contains("school", Assert.IsType<ValidationProblem>(school.Result).ProblemDetails.Errors.Keys);
        Assert.Equal(415, Assert.IsType<ProblemHttpResult>(unsupported.Result).StatusCode);
        Assert.Contains("school", Assert.IsType<ValidationProblem>(listing.Result).ProblemDetails.Errors.Keys);
    }

    private static async Task<List<MyUploadResource>> MineAsync(UploadApi api, MediaGateCaller caller) =>
        Assert.IsType<Ok<List<MyUploadResource>>>((await api.MyUploadsAsync("de-wilg", caller, CancellationToken.None)).Result).Value!;

    [Fact]
    public async Task A_large_file_is_told_to_go_up_in_blocks()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage, _clock);
        var api = ActivatorUtilities.CreateInstance<UploadApi>(services);

        var answer = await api.CreateUploadAsync("de-wilg", Json("""{"file_name": "musical.mp4", "size": 2000000000}"""), Teacher, CancellationToken.None);

        var grant = Assert.IsType<Created<UploadGrantResource>>(answer.Result).Value!;
        Assert.Equal(UploadGrants.BlockBytes, grant.BlockSize);
        Assert.Contains($"\"block_size\":{UploadGrants.BlockBytes}", JsonSerializer.Serialize(grant, ApiJson.Options), StringComparison.Ordinal);
    }

    private static HttpRequest Json(string body)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.ContentType = "application/json";
        return context.Request;
    }
}
