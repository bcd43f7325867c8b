using System.Diagnostics;
using System.Globalization;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Imaging;
using Kalisto.MediaGate.Imaging.Faces;
using Kalisto.MediaGate.Tags;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace Kalisto.MediaGate.Benchmarks;

/// <summary>
/// The face detector on the outside corpus, against the face regions that real tools wrote there:
/// <c>dotnet run -c Release --project benchmarks/Kalisto.MediaGate.Benchmarks -- faces-corpus /work/shared/corpus [crop-folder]</c>.
/// Reads every image of <c>voorbeeld/people</c>, <c>outside</c> (recursively) and <c>voorbeeld/formats</c> with the tag
/// reader as <c>mediagate inspect</c> does and with the detector (at a score of at least <see cref="LowestScore"/>),
/// and prints per file the regions, the detections (a detection matches a region when
/// <see cref="FaceAccounting.Match"/> is above 0) and the time, then recall and unmatched detections per score
/// threshold. With a crop folder, every unmatched detection is written there as a PNG (the box and as much again
/// around it), to look at: an untagged real face or texture.
/// </summary>
internal static class FacesCorpus
{
    /// <summary>The lowest score looked at; the table shows what each higher threshold keeps.</summary>
    public const float LowestScore = 0.3f;

    private static readonly float[] Thresholds = [0.3f, 0.4f, 0.5f, 0.55f, 0.6f, 0.65f, 0.7f, 0.75f, 0.8f];

    public static async Task<int> RunAsync(string root, string? crops)
    {
        var folders = new (string Folder, bool Recursive, bool Tagged)[]
        {
            (Path.Combine(root, "voorbeeld", "people"), false, true),
            (Path.Combine(root, "outside"), true, true),
            (Path.Combine(root, "voorbeeld", "formats"), false, false),
        };
        if (folders.FirstOrDefault(f => !Directory.Exists(f.Folder)) is { Folder: { } absent })
        {
            Console.Error.WriteLine($"{absent} does not exist: give the corpus root (the folder with voorbeeld/ and outside/).");
            return 2;
        }

        if (crops is not null)
        {
            Directory.CreateDirectory(crops);
        }

        var reader = new TagReader();
        using var detector = new FaceDetector(Options.Create(new FaceDetectionOptions { MinScore = LowestScore }), Options.Create(new ImagingOptions()));
        detector.EnsureModel();
        var regions = new List<(string File, float BestScore)>();
        var unmatched = new List<(string File, float Score)>();
        var untagged = new List<(string File, float Score)>();
        var times = new List<double>();
        var cropped = 0;
        foreach (var (folder, recursive, tagged) in folders)
        {
            Console.WriteLine($"== {Path.GetRelativePath(root, folder)}");
            foreach (var path in Directory.EnumerateFiles(folder, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
            {
                var name = Path.GetRelativePath(root, path);
                await using var file = File.OpenRead(path);
                var tags = reader.Read(file, Path.GetFileName(path));
                if (tags.Kind != MediaKind.Image)
                {
                    continue;
                }

                var tagRegions = Distinct(tags.Persons.Select(p => p.Region).OfType<FaceRegion>());
                if (tagged && tagRegions.Count == 0)
                {
                    continue;
                }

                file.Position = 0;
                IReadOnlyList<DetectedFace> faces;
                var clock = Stopwatch.StartNew();
                try
                {
                    faces = await detector.DetectAsync(file, tags.Format, CancellationToken.None);
                }
                catch (FaceDetectionException e)
                {
                    Console.WriteLine($"{name}: not looked at ({e.ReasonCode})");
                    continue;
                }

                var elapsed = clock.Elapsed.TotalMilliseconds;
                times.Add(elapsed);
                file.Position = 0;
                var size = Upright(file, tags.Orientation);
                var normalised = faces.Select(f => new FaceRegion(f.Box.X / size.Width, f.Box.Y / size.Height, f.Box.Width / size.Width, f.Box.Height / size.Height)).ToList();
                foreach (var region in tagRegions)
                {
                    var best = faces.Where((_, i) => FaceAccounting.Match(normalised[i], region) > 0).Select(f => f.Score).DefaultIfEmpty(0).Max();
                    regions.Add((name, best));
                }

                var strays = faces.Where((_, i) => !tagRegions.Any(r => FaceAccounting.Match(normalised[i], r) > 0)).ToList();
                (tagged ? unmatched : untagged).AddRange(strays.Select(f => (name, f.Score)));
                var matched = tagRegions.Count(r => normalised.Any(f => FaceAccounting.Match(f, r) > 0));
                Console.WriteLine(
                    string.Create(CultureInfo.InvariantCulture, $"{name}: {size.Width}x{size.Height}, {detector.RunsFor(size.Width, size.Height)} runs, {elapsed:0} ms; ")
                    + (tagged ? $"{tagRegions.Count} regions, {matched} matched (best score of each: {string.Join(" ", regions.TakeLast(tagRegions.Count).Select(r => r.BestScore.ToString("0.00", CultureInfo.InvariantCulture)))}); " : string.Empty)
                    + $"{faces.Count} detections, {strays.Count} {(tagged ? "matching no region" : "in an untagged file")}"
                    + (strays.Count > 0 ? ": " + string.Join(", ", strays.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Score:0.00} at {f.Box.X:0},{f.Box.Y:0} {f.Box.Width:0}x{f.Box.Height:0}"))) : string.Empty));
                if (crops is not null && strays.Count > 0)
                {
                    file.Position = 0;
                    try
                    {
                        cropped += await CropAsync(file, strays, Path.Combine(crops, Sanitised(name)));
                    }
                    catch (Exception e) when (e is NotSupportedException or ImageFormatException)
                    {
                        // ImageSharp's plain load refuses what the detector's first-frame decode reads (a TIFF of frames of several sizes).
                        Console.WriteLine($"  (not cropped: {e.Message})");
                    }
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{times.Count} images looked at, {times.Average():0} ms per image on average (median {times.Order().ElementAt(times.Count / 2):0} ms)"));
        Console.WriteLine($"{regions.Count} tagged face regions in {regions.Select(r => r.File).Distinct().Count()} files; untagged: {untagged.Select(u => u.File).Distinct().Count()} files with detections at {LowestScore}");
        Console.WriteLine("score >= | regions matched (recall) | detections matching no region (files) | untagged: files with a face, detections");
        foreach (var threshold in Thresholds)
        {
            var found = regions.Count(r => r.BestScore >= threshold);
            var strays = unmatched.Where(u => u.Score >= threshold).ToList();
            var camera = untagged.Where(u => u.Score >= threshold).ToList();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{threshold,8:0.00} | {found}/{regions.Count} ({(regions.Count == 0 ? 0 : (double)found / regions.Count):0.00}) | {strays.Count} ({strays.Select(s => s.File).Distinct().Count()}) | {camera.Select(c => c.File).Distinct().Count()}, {camera.Count}"));
        }

        if (crops is not null)
        {
            Console.WriteLine($"{cropped} crops of unmatched detections in {crops}");
        }

        return 0;
    }

    /// <summary>The regions, one of each face: a region that overlaps one before it by more than half (the same face in two tag formats) is left out.</summary>
    private static List<FaceRegion> Distinct(IEnumerable<FaceRegion> regions)
    {
        var distinct = new List<FaceRegion>();
        foreach (var region in regions)
        {
            if (!distinct.Any(d => FaceAccounting.IntersectionOverUnion(d, region) > 0.5))
            {
                distinct.Add(region);
            }
        }

        return distinct;
    }

    /// <summary>The size of the image as displayed (EXIF orientation applied, as the tag reader read it).</summary>
    private static Size Upright(Stream file, int orientation)
    {
        var info = Image.Identify(file);
        return orientation >= 5 ? new Size(info.Height, info.Width) : new Size(info.Width, info.Height);
    }

    private static async Task<int> CropAsync(Stream file, List<DetectedFace> faces, string prefix)
    {
        using var image = await Image.LoadAsync(file);
        image.Mutate(context => context.AutoOrient());
        var i = 0;
        foreach (var face in faces)
        {
            var margin = Math.Max(face.Box.Width, face.Box.Height) / 2;
            var box = Rectangle.Intersect(
                Rectangle.Round(new RectangleF(face.Box.X - margin, face.Box.Y - margin, face.Box.Width + (2 * margin), face.Box.Height + (2 * margin))),
                new Rectangle(0, 0, image.Width, image.Height));
            using var crop = image.Clone(context => context.Crop(box).Resize(new ResizeOptions { Size = new Size(256, 256), Mode = ResizeMode.Max }));
            await crop.SaveAsPngAsync(string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i++}-{face.Score:0.00}.png"));
        }

        return i;
    }

    private static string Sanitised(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' ? c : '_'));
}
