using System.ComponentModel.DataAnnotations;

namespace Kalisto.MediaGate.Imaging;

/// <summary>Limits for pixel work (SPEC §6), bound from <c>MediaGate:Imaging</c>.</summary>
public sealed class ImagingOptions
{
    public const string Section = "MediaGate:Imaging";

    /// <summary>Images with more pixels than this are refused as <c>too-large</c> before decoding.</summary>
    [Range(1, 1_000_000_000)]
    public long MaxPixels { get; set; } = 64_000_000;
}
