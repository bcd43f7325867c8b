using System.ComponentModel.DataAnnotations;

namespace Kalisto.MediaGate.Imaging;

/// <summary>Limits for pixel work (SPEC §6), bound from <c>MediaGate:Imaging</c>.</summary>
public sealed class ImagingOptions
{
    public const string Section = "MediaGate:Imaging";

    /// <summary>Images with more pixels than this are refused as <c>too-large</c> before decoding.</summary>
    [Range(1, 1_000_000_000)]
    public long MaxPixels { get; set; } = 64_000_000;

    /// <summary>
    /// Longest a single decode, redact and encode may take; past it the image is refused as
    /// <c>unreadable</c> (a hostile file must not hold the worker).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PixelWorkTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
