using System.ComponentModel.DataAnnotations;

namespace Kalisto.MediaGate.Imaging.Faces;

/// <summary>The face detector's settings (SPEC §11), bound from <c>MediaGate:Imaging:Faces</c>.</summary>
public sealed class FaceDetectionOptions
{
    public const string Section = "MediaGate:Imaging:Faces";

    /// <summary>The BlazeFace model's path; relative paths are from <see cref="AppContext.BaseDirectory"/>.</summary>
    [Required]
    public string ModelPath { get; set; } = FaceDetector.DefaultModelPath;

    /// <summary>
    /// A detection below this confidence is dropped. Lower than MediaPipe's 0.5 on purpose: a missed face is shown
    /// unpixelated, a false detection only pixelates a patch. On the outside corpus 0.4 finds the small, blurred,
    /// turned and edge faces that 0.5 misses (a third more of a crowd's faces), for a few more patches of texture,
    /// lettering and animals; below 0.4 those patches multiply (five times as many at 0.3).
    /// </summary>
    [Range(0.05, 0.99)]
    public float MinScore { get; set; } = 0.4f;

    /// <summary>
    /// The smallest face, in pixels of the upright image, that the tiles are laid out to find; smaller faces may
    /// still be found, but are not looked for. Smaller values take more model runs (quadratically). The default is
    /// a face in a class photo of 4000×3000 pixels (SPEC §11).
    /// </summary>
    [Range(8, 1000)]
    public int MinFaceSize { get; set; } = 24;

    /// <summary>How many detections run the model at the same time in this process (each on one thread).</summary>
    [Range(1, 64)]
    public int MaxConcurrentRuns { get; set; } = Math.Max(1, Environment.ProcessorCount);
}
