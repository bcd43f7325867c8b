using System.ComponentModel.DataAnnotations;

namespace Kalisto.MediaGate.Imaging.Faces;

/// <summary>The face detector's settings (SPEC §11), bound from <c>MediaGate:Imaging:Faces</c>.</summary>
public sealed class FaceDetectionOptions
{
    public const string Section = "MediaGate:Imaging:Faces";

    /// <summary>The BlazeFace model's path; relative paths are from <see cref="AppContext.BaseDirectory"/>.</summary>
    [Required]
    public string ModelPath { get; set; } = FaceDetector.DefaultModelPath;

    /// <summary>A detection below this confidence is dropped (MediaPipe's face detection uses 0.5).</summary>
    [Range(0.05, 0.99)]
    public float MinScore { get; set; } = 0.5f;

    /// <summary>
    /// The smallest face, in pixels of the upright image, that the tiles are laid out to find; smaller faces may
    /// still be found, but are not looked for. Smaller values take more model runs (quadratically).
    /// </summary>
    [Range(8, 1000)]
    public int MinFaceSize { get; set; } = 20;

    /// <summary>How many detections run the model at the same time in this process (each on one thread).</summary>
    [Range(1, 64)]
    public int MaxConcurrentRuns { get; set; } = Math.Max(1, Environment.ProcessorCount);
}
