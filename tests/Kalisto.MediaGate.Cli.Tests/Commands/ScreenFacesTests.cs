using System.Text.Json;
using Kalisto.MediaGate.Cli.Demo;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace Kalisto.MediaGate.Tests.Commands;

/// <summary>SPEC §11 in <c>mediagate screen DIR</c>: an image the tags would publish is decided with the faces in it.</summary>
public sealed class ScreenFacesTests : IDisposable
{
    private const string Csv = """
        school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence
        de-wilg,LL-1001,pupil,Emma de Vries,schoolguide;newsletter;website;socialmedia;parentportal,2026-08-01,2027-07-31,,form-1
        """;

    /// <summary>Two faces where the tags name one person without a face region: one face no tag accounts for.</summary>
    private static readonly FaceRegion[] TwoFaces = [new(0.5, 0.25, 0.375, 0.5), new(0.0625, 0.125, 0.25, 0.25)];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mediagate-screen-faces-");

    private string Input => Path.Combine(_dir.FullName, "uploads");

    private string Output => Path.Combine(_dir.FullName, "out");

    private string CsvPath => Path.Combine(_dir.FullName, "consent.csv");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void A_face_no_tag_accounts_for_is_pixelated_in_the_redacted_copy_and_said_in_the_decisions()
    {
        SetUp();
        var detector = new ScriptedFaces(TwoFaces);

        var run = Screen(detector);

        Assert.Equal(0, run.ExitCode);
        var line = Decisions().Single(d => d.GetProperty("path").GetString() == "de-wilg/sportdag/emma.jpg");
        Assert.Equal("redacted", line.GetProperty("outcome").GetString());
        Assert.Contains("unidentified-face", line.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
        Assert.Equal((2, 1), (line.GetProperty("faces").GetProperty("detected").GetInt32(), line.GetProperty("faces").GetProperty("unidentified").GetInt32()));
        Assert.Equal(2, line.GetProperty("faces").GetProperty("boxes").GetArrayLength());
        Assert.Equal(5, line.GetProperty("channels").GetArrayLength()); // every channel of LL-1001's consent
        Assert.Contains("unidentified-face (1 face(s) no tag accounts for)", run.Console, StringComparison.Ordinal);

        // The copy that may be published has the faces pixelated; the rest of the picture is as it was.
        using var original = Image.Load<Rgb24>(Path.Combine(Input, "de-wilg/sportdag/emma.jpg"));
        using var redacted = Image.Load<Rgb24>(Path.Combine(Output, "approved/de-wilg/sportdag/emma.jpg"));
        Assert.True(Roughness(original, TwoFaces[0]) > 40, "the test picture is noisy");
        Assert.True(Roughness(redacted, TwoFaces[0]) < Roughness(original, TwoFaces[0]) / 4, "the unidentified face is pixelated");
        Assert.True(Roughness(redacted, TwoFaces[1]) < Roughness(original, TwoFaces[1]) / 4, "every face no region accounts for is pixelated");
        Assert.True(Roughness(redacted, new FaceRegion(0.0625, 0.75, 0.25, 0.1875)) > 40, "the rest is not");
        Assert.True(File.Exists(Path.Combine(Output, "quarantine/de-wilg/sportdag/emma.jpg"))); // the original, kept
    }

    [Fact]
    public void A_face_no_tag_accounts_for_quarantines_the_image_when_redaction_of_unidentified_faces_is_off()
    {
        SetUp();

        var run = Screen(new ScriptedFaces(TwoFaces), new Dictionary<string, string?> { ["MediaGate:Faces:RedactUnidentified"] = "false" });

        Assert.Equal(0, run.ExitCode);
        var line = Decisions().Single(d => d.GetProperty("path").GetString() == "de-wilg/sportdag/emma.jpg");
        Assert.Equal("quarantined", line.GetProperty("outcome").GetString());
        Assert.Equal(["unidentified-face"], line.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
        Assert.Equal(1, line.GetProperty("faces").GetProperty("unidentified").GetInt32());
        Assert.Empty(line.GetProperty("channels").EnumerateArray());
        Assert.False(File.Exists(Path.Combine(Output, "approved/de-wilg/sportdag/emma.jpg")));
        Assert.True(File.Exists(Path.Combine(Output, "quarantine/de-wilg/sportdag/emma.jpg")));
    }

    [Fact]
    public void Faces_the_tags_account_for_leave_the_image_approved_and_only_images_the_tags_would_publish_are_looked_at()
    {
        SetUp();
        Upload(File.ReadAllBytes(CommandLineRun.Data("untagged.jpg")), "de-wilg/c.jpg");
        var detector = new ScriptedFaces([TwoFaces[0]]);

        var run = Screen(detector, json: true);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var emma = lines.Single(d => d.GetProperty("path").GetString() == "de-wilg/sportdag/emma.jpg");
        Assert.Equal("approved", emma.GetProperty("outcome").GetString());
        Assert.Equal((1, 0), (emma.GetProperty("faces").GetProperty("detected").GetInt32(), emma.GetProperty("faces").GetProperty("unidentified").GetInt32()));
        Assert.False(emma.GetProperty("faces").TryGetProperty("boxes", out _)); // no face is unaccounted for
        var untagged = lines.Single(d => d.GetProperty("path").GetString() == "de-wilg/c.jpg");
        Assert.Equal("quarantined", untagged.GetProperty("outcome").GetString());
        Assert.False(untagged.TryGetProperty("faces", out _));
        Assert.Equal(1, detector.Calls); // the untagged image is quarantined by its tags: not looked at
        Assert.True(File.Exists(Path.Combine(Output, "approved/de-wilg/sportdag/emma.jpg")));
    }

    [Fact]
    public void A_missing_face_model_stops_the_screen_with_a_clear_message_and_nothing_approved()
    {
        SetUp();
        var missing = Path.Combine(_dir.FullName, "no-such-model.onnx");

        var run = CommandLineRun.WithSettings(
            new Dictionary<string, string?> { ["MediaGate:Imaging:Faces:ModelPath"] = missing },
            "screen", Input, "--consent", CsvPath, "--out", Output, "--now", "2026-11-27");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no image is approved", run.Error, StringComparison.Ordinal);
        Assert.Contains("npm ci", run.Error, StringComparison.Ordinal);
        Assert.Contains("MediaGate:Imaging:Faces:ModelPath", run.Error, StringComparison.Ordinal);
        Assert.Contains(missing, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal); // no stack trace
        Assert.False(Directory.Exists(Path.Combine(Output, "approved")));
        Assert.False(File.Exists(Path.Combine(Output, "decisions.jsonl")));
    }

    private CommandLineRun Screen(ScriptedFaces detector, IReadOnlyDictionary<string, string?>? settings = null, bool json = false) =>
        CommandLineRun.WithServices(
            services => services.AddSingleton<IFaceDetector>(detector),
            settings,
            ["screen", Input, "--consent", CsvPath, "--out", Output, "--now", "2026-11-27", "--lang", "en", .. json ? new[] { "--json" } : []]);

    private List<JsonElement> Decisions() =>
        [.. File.ReadAllLines(Path.Combine(Output, "decisions.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)];

    private void SetUp()
    {
        // A noisy picture (so pixelation shows), tagged with LL-1001 as a keyword: the tags alone would approve it.
        Upload(DemoJpeg.Tag(NoisyJpeg(256, 192), new DemoXmp { Subjects = ["LL-1001"], ImageWidth = 256, ImageHeight = 192 }), "de-wilg/sportdag/emma.jpg");
        File.WriteAllText(CsvPath, Csv);
    }

    private void Upload(byte[] content, string path)
    {
        var target = Path.Combine(Input, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllBytes(target, content);
    }

    private static byte[] NoisyJpeg(int width, int height)
    {
        var random = new Random(11);
        using var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                foreach (ref var pixel in rows.GetRowSpan(y))
                {
                    pixel = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                }
            }
        });
        using var jpeg = new MemoryStream();
        image.SaveAsJpeg(jpeg, new JpegEncoder { Quality = 95 });
        return jpeg.ToArray();
    }

    /// <summary>The mean difference of horizontally neighbouring pixels (green) inside <paramref name="box"/>: high for noise, low when pixelated.</summary>
    private static double Roughness(Image<Rgb24> image, FaceRegion box)
    {
        var (left, top) = ((int)(box.Left * image.Width), (int)(box.Top * image.Height));
        var (right, bottom) = ((int)((box.Left + box.Width) * image.Width), (int)((box.Top + box.Height) * image.Height));
        var (sum, count) = (0.0, 0);
        for (var y = top; y < bottom; y++)
        {
            for (var x = left + 1; x < right; x++)
            {
                sum += Math.Abs(image[x, y].G - image[x - 1, y].G);
                count++;
            }
        }

        return sum / count;
    }

    /// <summary>Finds the faces it was given in every JPEG, and counts how often it was asked.</summary>
    private sealed class ScriptedFaces(IReadOnlyList<FaceRegion> faces) : IFaceDetector
    {
        private int _calls;

        public int Calls => _calls;

        public bool CanDetect(MediaFormat format) => format == MediaFormat.Jpeg;

        public Task<FaceScan> DetectAsync(Stream source, MediaFormat format, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(FaceScan.Found(faces));
        }
    }
}
