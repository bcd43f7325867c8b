using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Kalisto.MediaGate.Cli.Commands;
using Kalisto.MediaGate.Functions.Http;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Cli.Tests.Commands;

/// <summary>
/// <c>mediagate serve</c> against Azurite, called over real HTTP: the same answers as the Functions app's triggers
/// give for the same requests and the same user (status, media type and body), the development sign-in, its loopback
/// lock, and Ctrl+C ending it with exit code 0.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class ServeCommandTests(Azurite azurite)
{
    private const string Emma = """
        {"kind": "pupil", "display_name": "Emma de Vries", "channels": ["website", "newsletter"],
         "valid_from": "2026-08-01", "valid_until": "2027-07-31", "evidence": "form-2026-001"}
        """;

    [Fact]
    public async Task Serve_answers_a_put_and_a_get_over_http_as_the_functions_app_does()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var functions = await FunctionsHost.StartAsync(azurite);
        await using var serve = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "privacy@de-wilg");
        using var client = new HttpClient { BaseAddress = serve.Address };
        var privacy = TestUsers.Privacy;

        var put = await AnswerAsync(await client.PutAsync("api/schools/de-wilg/consent/ll-1001", new StringContent(Emma, Encoding.UTF8, "application/json")));
        var get = await AnswerAsync(await client.GetAsync("api/schools/de-wilg/consent/LL-1001"));
        var missing = await AnswerAsync(await client.GetAsync("api/schools/de-wilg/consent/LL-1002"));
        var refused = await AnswerAsync(await client.PutAsync("api/schools/de-wilg/consent/LL-1001", new StringContent("{\"validFrom\": 1}", Encoding.UTF8, "application/json")));
        var otherSchool = await AnswerAsync(await client.GetAsync("api/schools/het-anker/consent/LL-1001"));

        Assert.Equal(200, put.Status);
        Assert.Equal(1, put.Json().GetProperty("version").GetInt64());
        Assert.Equal("Emma de Vries", get.Json().GetProperty("display_name").GetString());
        Assert.Equal((404, "application/problem+json"), (missing.Status, missing.ContentType));
        Assert.Equal(["validFrom"], refused.ValidationErrors().Keys);
        Assert.Equal((403, "application/problem+json"), (otherSchool.Status, otherSchool.ContentType));
        Assert.Equal(Comparable(await functions.AnswerAsync(functions.Function<HttpApi>().PutConsent(functions.Json(Emma, privacy), "de-wilg", "ll-1001", default))), Comparable(put));
        Assert.Equal(Comparable(await functions.AnswerAsync(functions.Function<HttpApi>().GetConsent(functions.Request(user: privacy), "de-wilg", "LL-1001", default))), Comparable(get));
        Assert.Equal(Comparable(await functions.AnswerAsync(functions.Function<HttpApi>().GetConsent(functions.Request(user: privacy), "de-wilg", "LL-1002", default))), Comparable(missing));
        Assert.Equal(Comparable(await functions.AnswerAsync(functions.Function<HttpApi>().PutConsent(functions.Json("{\"validFrom\": 1}", privacy), "de-wilg", "LL-1001", default))), Comparable(refused));
        Assert.Equal(Comparable(await functions.AnswerAsync(functions.Function<HttpApi>().GetConsent(functions.Request(user: privacy), "het-anker", "LL-1001", default))), Comparable(otherSchool));

        var (exit, output) = await serve.StopAsync();
        Assert.Equal(0, exit);
        Assert.Contains("every request is privacy@de-wilg (--dev-user)", output, StringComparison.Ordinal);
        Assert.Contains("mediagate serve: stopped.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_history_records_the_signed_in_development_user_as_who_changed_it()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var serve = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "privacy@de-wilg");
        using var client = new HttpClient { BaseAddress = serve.Address };

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("api/schools/de-wilg/consent/LL-1001", new StringContent(Emma, Encoding.UTF8, "application/json"))).StatusCode);
        var history = await AnswerAsync(await client.GetAsync("api/schools/de-wilg/consent/LL-1001/history"));

        Assert.Equal(200, history.Status);
        var change = Assert.Single(history.Json().EnumerateArray());
        Assert.Equal("privacy@de-wilg (development sign-in) (dev-privacy-de-wilg)", change.GetProperty("changed_by").GetString());
    }

    [Fact]
    public async Task Without_a_dev_user_the_api_is_401_until_someone_signs_in_on_the_page_and_sign_out_ends_it()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var serve = await Served.StartAsync(azurite.ConnectionString);
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = serve.Address };

        var before = await AnswerAsync(await client.GetAsync("api/me"));
        var page = await client.GetStringAsync(".auth/login/dev?returnUrl=/api/me");
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, page);
        var forged = await client.PostAsync(".auth/login/dev", new FormUrlEncodedContent(new Dictionary<string, string> { ["role"] = "admin", ["school"] = "" }));
        var wrong = await client.PostAsync(".auth/login/dev", Form(token, "teacher", "De Wilg!"));
        var signIn = await client.PostAsync(".auth/login/dev", Form(token, "communications", "de-wilg"));
        var me = await AnswerAsync(await client.GetAsync("api/me"));
        var register = await AnswerAsync(await client.GetAsync("api/schools/de-wilg/consent"));
        var items = await AnswerAsync(await client.GetAsync("api/schools/de-wilg/items?state=approved"));
        await client.PostAsync(".auth/logout", null);
        var after = await AnswerAsync(await client.GetAsync("api/me"));

        Assert.Equal((401, "application/problem+json"), (before.Status, before.ContentType));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("is not a school code", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/api/me", signIn.Headers.Location!.OriginalString);
        Assert.Equal(200, me.Status);
        Assert.Equal("dev-communications-de-wilg", me.Json().GetProperty("user_id").GetString());
        var school = Assert.Single(me.Json().GetProperty("schools").EnumerateArray());
        Assert.Equal("de-wilg", school.GetProperty("school").GetString());
        Assert.Equal(["communications"], school.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(403, register.Status);
        Assert.Equal(200, items.Status);
        Assert.Equal(401, after.Status);
    }

    [Fact]
    public async Task The_sign_in_page_never_sends_anyone_to_another_site_after_signing_in()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var serve = await Served.StartAsync(azurite.ConnectionString);
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = serve.Address };

        foreach (var target in new[] { "//evil.example/", "/\\evil.example", "https://evil.example/" })
        {
            var token = AntiforgeryField().Match(await client.GetStringAsync($".auth/login/dev?returnUrl={Uri.EscapeDataString(target)}"));
            var fields = new Dictionary<string, string> { [token.Groups["name"].Value] = token.Groups["value"].Value, ["role"] = "teacher", ["school"] = "de-wilg", ["returnUrl"] = target };
            var signIn = await client.PostAsync(".auth/login/dev", new FormUrlEncodedContent(fields));

            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.Equal("/", signIn.Headers.Location!.OriginalString);
        }
    }

    [Theory]
    [InlineData("--dev-user", "teacher", "teacher needs a school")]
    [InlineData("--dev-user", "admin@de-wilg", "admin is every school")]
    [InlineData("--dev-user", "janitor@de-wilg", "'janitor' is not a role")]
    [InlineData("--dev-user", "teacher@De Wilg", "is not a school code")]
    [InlineData("--address", "0.0.0.0", "listens on 127.0.0.1 or ::1 only")]
    [InlineData("--address", "192.168.1.10", "listens on 127.0.0.1 or ::1 only")]
    [InlineData("--port", "70000", "--port must be from 0 to 65535")]
    public void Options_that_would_open_serve_to_others_or_name_no_user_are_usage_errors(string option, string value, string message)
    {
        var run = CommandLineRun.Of("serve", "--storage", azurite.ConnectionString, option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_listens_on_the_ipv6_loopback_when_asked()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var serve = await Served.StartAsync(azurite.ConnectionString, "--address", "::1", "--dev-user", "admin");
        using var client = new HttpClient { BaseAddress = serve.Address };

        var me = await AnswerAsync(await client.GetAsync("api/me"));

        Assert.Equal("[::1]", serve.Address.Host);
        Assert.Equal("*", Assert.Single(me.Json().GetProperty("schools").EnumerateArray()).GetProperty("school").GetString());
    }

    [Fact]
    public async Task With_no_pipeline_a_teachers_upload_waits_until_screen_runs_and_then_shows_its_outcome_and_preview()
    {
        // --no-pipeline: this test runs screen itself, and asserts the upload waits until then.
        StorageAccount.Empty(azurite.ConnectionString);
        await using var teacher = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "teacher@de-wilg", "--no-pipeline");
        using var client = new HttpClient { BaseAddress = teacher.Address };

        await UploadAsync(client, "IMG_0001.jpg", "untagged.jpg");
        // Several passes' time: a pipeline that ran in spite of --no-pipeline would have screened it by now.
        await Task.Delay(ServePipeline.Interval * 3);

        var waiting = await AnswerAsync(await client.GetAsync("api/schools/de-wilg/uploads/mine"));
        Assert.Equal("waiting", Assert.Single(waiting.Json().EnumerateArray()).GetProperty("state").GetString());
        Assert.Equal(["de-wilg/sportdag/IMG_0001.jpg"], new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, "uploads").GetBlobs().Select(b => b.Name));
        Assert.Equal(0, CommandLineRun.Of("screen", "--storage", azurite.ConnectionString).ExitCode);
        var mine = Assert.Single((await AnswerAsync(await client.GetAsync("api/schools/de-wilg/uploads/mine"))).Json().EnumerateArray());
        var preview = await client.GetAsync($"api/schools/de-wilg/items/{mine.GetProperty("item_key").GetString()}/preview");

        Assert.Equal(("de-wilg/sportdag/IMG_0001.jpg", "quarantined"), (mine.GetProperty("path").GetString(), mine.GetProperty("state").GetString()));
        Assert.Equal("unknown-school", Assert.Single(mine.GetProperty("reasons").EnumerateArray()).GetProperty("code").GetString()); // no register for de-wilg yet
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal("image/jpeg", preview.Content.Headers.ContentType?.MediaType);
        var bytes = await preview.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xFF, 0xD8], bytes[..2]);
        var (exit, output) = await teacher.StopAsync();
        Assert.Equal(0, exit);
        Assert.Contains("mediagate serve: not processing uploads or queues (--no-pipeline).", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_screens_a_teachers_upload_by_itself_and_makes_its_preview()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var teacher = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "teacher@de-wilg");
        using var client = new HttpClient { BaseAddress = teacher.Address };

        await UploadAsync(client, "IMG_0001.jpg", "untagged.jpg");
        var mine = await UntilAsync(() => MineAsync(client), m => m.GetProperty("state").GetString() is not ("waiting" or "screening"));
        var key = mine.GetProperty("item_key").GetString();
        var preview = await UntilAsync(
            async () => { using var r = await client.GetAsync($"api/schools/de-wilg/items/{key}/preview"); return (r.StatusCode, await r.Content.ReadAsByteArrayAsync()); },
            p => p.StatusCode == HttpStatusCode.OK);

        Assert.Equal(("de-wilg/sportdag/IMG_0001.jpg", "quarantined"), (mine.GetProperty("path").GetString(), mine.GetProperty("state").GetString()));
        Assert.Equal("unknown-school", Assert.Single(mine.GetProperty("reasons").EnumerateArray()).GetProperty("code").GetString()); // no register for de-wilg yet
        Assert.Equal([0xFF, 0xD8], preview.Item2[..2]);
        Assert.Empty(new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, "uploads").GetBlobs());
        var (exit, output) = await teacher.StopAsync();
        Assert.Equal(0, exit);
        Assert.Contains("mediagate serve: screening uploads and processing queues every 2 s.", output, StringComparison.Ordinal);
        Assert.Contains("mediagate serve: stopped.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pass_that_fails_is_one_line_on_standard_error_and_the_next_pass_goes_on()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        await using var teacher = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "teacher@de-wilg");
        using var client = new HttpClient { BaseAddress = teacher.Address };
        // A re-screen request that is no JSON: its pass fails (and the message stays invisible for its timeout).
        var rescreen = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, "rescreen", new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 });
        await rescreen.SendMessageAsync("not a re-screen request");

        await UntilAsync(() => Task.FromResult(teacher.Error()), e => e.Contains("a pass over uploads and queues failed", StringComparison.Ordinal));
        await UploadAsync(client, "IMG_0001.jpg", "untagged.jpg");
        var mine = await UntilAsync(() => MineAsync(client), m => m.GetProperty("state").GetString() is not ("waiting" or "screening"));

        Assert.Equal("quarantined", mine.GetProperty("state").GetString());
        var lines = teacher.Error().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.Contains("a pass over uploads and queues failed", StringComparison.Ordinal));
        var line = lines.First(l => l.Contains("a pass over uploads and queues failed", StringComparison.Ordinal));
        Assert.StartsWith("mediagate serve: ", line, StringComparison.Ordinal);
        Assert.Contains("the next pass tries again", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", teacher.Error(), StringComparison.Ordinal); // no stack trace
        Assert.Equal(0, (await teacher.StopAsync()).Exit);
    }

    [Fact]
    public async Task A_withdrawal_through_serve_takes_an_approved_upload_out_of_approved_without_rescreen()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        var folder = Directory.CreateTempSubdirectory("mediagate-serve-");
        try
        {
            // xmp-personinimage.jpg names Emma de Vries (LL-1001) and LL-1002 (Data/README.md).
            var (from, until) = (DateTime.UtcNow.AddDays(-30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), DateTime.UtcNow.AddDays(300).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            var csv = Path.Combine(folder.FullName, "consent.csv");
            await File.WriteAllTextAsync(csv, $"""
                school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence
                de-wilg,LL-1001,pupil,Emma de Vries,schoolguide;newsletter;website;socialmedia;parentportal,{from},{until},,form-1
                de-wilg,LL-1002,pupil,Noah Bakker,website;newsletter,{from},{until},,form-2

                """);
            Assert.Equal(0, CommandLineRun.Of("consent", "import", csv, "--storage", azurite.ConnectionString).ExitCode);
            await using var teacher = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "teacher@de-wilg");
            await using var privacy = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "privacy@de-wilg", "--no-pipeline");
            using var asTeacher = new HttpClient { BaseAddress = teacher.Address };
            using var asPrivacy = new HttpClient { BaseAddress = privacy.Address };

            await UploadAsync(asTeacher, "estafette.jpg", "xmp-personinimage.jpg");
            var approved = await UntilAsync(() => MineAsync(asTeacher), m => m.GetProperty("state").GetString() is not ("waiting" or "screening"));
            Assert.Equal("approved", approved.GetProperty("state").GetString());
            Assert.Equal(["newsletter", "website"], approved.GetProperty("channels").EnumerateArray().Select(c => c.GetString()).Order(StringComparer.Ordinal));
            var key = approved.GetProperty("item_key").GetString();
            Assert.Equal([key], (await AnswerAsync(await asPrivacy.GetAsync("api/schools/de-wilg/items?state=approved"))).Json().GetProperty("items").EnumerateArray().Select(i => i.GetProperty("item_key").GetString()));

            Assert.Equal(HttpStatusCode.OK, (await asPrivacy.PostAsync("api/schools/de-wilg/consent/LL-1002/withdraw", null)).StatusCode);
            var withdrawn = await UntilAsync(() => MineAsync(asTeacher), m => m.GetProperty("state").GetString() != "approved");

            Assert.Equal("quarantined", withdrawn.GetProperty("state").GetString());
            var reason = Assert.Single(withdrawn.GetProperty("reasons").EnumerateArray());
            Assert.Equal(("consent-withdrawn", "LL-1002"), (reason.GetProperty("code").GetString(), reason.GetProperty("subject").GetString()));
            Assert.Empty((await AnswerAsync(await asPrivacy.GetAsync("api/schools/de-wilg/items?state=approved"))).Json().GetProperty("items").EnumerateArray());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_teacher_never_sees_the_quarantined_preview_of_a_colleagues_upload()
    {
        StorageAccount.Empty(azurite.ConnectionString);
        Assert.Equal(0, CommandLineRun.Of("upload", CommandLineRun.Data("untagged.jpg"), "--to", "de-wilg/sportdag", "--storage", azurite.ConnectionString).ExitCode);
        Assert.Equal(0, CommandLineRun.Of("screen", "--storage", azurite.ConnectionString).ExitCode);
        await using var communications = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "communications@de-wilg");
        await using var teacher = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "teacher@de-wilg");
        using var asCommunications = new HttpClient { BaseAddress = communications.Address };
        using var asTeacher = new HttpClient { BaseAddress = teacher.Address };

        var review = (await AnswerAsync(await asCommunications.GetAsync("api/schools/de-wilg/items"))).Json().GetProperty("items");
        var key = Assert.Single(review.EnumerateArray()).GetProperty("item_key").GetString();

        Assert.Equal(HttpStatusCode.OK, (await asCommunications.GetAsync($"api/schools/de-wilg/items/{key}/preview")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await asTeacher.GetAsync($"api/schools/de-wilg/items/{key}/preview")).StatusCode);
        Assert.Empty((await AnswerAsync(await asTeacher.GetAsync("api/schools/de-wilg/uploads/mine"))).Json().EnumerateArray());
    }

    private static FormUrlEncodedContent Form(Match token, string role, string school) => new(new Dictionary<string, string>
    {
        [token.Groups["name"].Value] = token.Groups["value"].Value,
        ["role"] = role,
        ["school"] = school,
        ["returnUrl"] = "/api/me",
    });

    /// <summary>PUTs <paramref name="fixture"/> to the upload URL serve hands out for <c>sportdag/{fileName}</c>, with the headers it asks for.</summary>
    private static async Task UploadAsync(HttpClient client, string fileName, string fixture)
    {
        var granted = await AnswerAsync(await client.PostAsync("api/schools/de-wilg/uploads", new StringContent($$"""{"file_name": "{{fileName}}", "folder": "sportdag"}""", Encoding.UTF8, "application/json")));
        Assert.Equal(201, granted.Status);
        var grant = granted.Json();
        using var put = new HttpRequestMessage(HttpMethod.Put, grant.GetProperty("url").GetString()) { Content = new ByteArrayContent(await File.ReadAllBytesAsync(CommandLineRun.Data(fixture))) };
        foreach (var header in grant.GetProperty("headers").EnumerateObject())
        {
            put.Headers.TryAddWithoutValidation(header.Name, header.Value.GetString());
        }

        put.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
        using var storage = new HttpClient();
        Assert.Equal(HttpStatusCode.Created, (await storage.SendAsync(put)).StatusCode);
    }

    /// <summary>The caller's one upload, as <c>GET …/uploads/mine</c> shows it.</summary>
    private static async Task<System.Text.Json.JsonElement> MineAsync(HttpClient client) =>
        Assert.Single((await AnswerAsync(await client.GetAsync("api/schools/de-wilg/uploads/mine"))).Json().EnumerateArray());

    /// <summary>Asks <paramref name="probe"/> until its answer is <paramref name="done"/>, for at most a minute (a bound, not a measure).</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        var bound = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var answer = await probe();
            if (done(answer))
            {
                return answer;
            }

            Assert.True(DateTime.UtcNow < bound, $"still {answer} after a minute");
            await Task.Delay(100);
        }
    }

    private static (int, string?, string) Comparable(HttpAnswer answer) => (answer.Status, answer.ContentType, answer.Body);

    internal static async Task<HttpAnswer> AnswerAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            return new HttpAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), new Microsoft.AspNetCore.Http.HeaderDictionary(), body);
        }
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>__RequestVerificationToken)\" value=\"(?<value>[^\"]+)\">")]
    private static partial Regex AntiforgeryField();
}
