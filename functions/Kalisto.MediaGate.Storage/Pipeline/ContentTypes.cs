using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>
/// The content type every copy is served with (SPEC §8): from the format MediaGate detected in the content,
/// never from the uploader (a JPEG uploaded as <c>text/html</c> would otherwise be served as a page).
/// </summary>
internal static class ContentTypes
{
    private const string Unknown = "application/octet-stream";

    /// <summary>The type of the detected format; the name's extension only tells MP4 from QuickTime and their kin.</summary>
    public static string For(MediaFormat format, string name)
    {
        var extension = Path.GetExtension(name).ToLowerInvariant();
        return format switch
        {
            MediaFormat.Jpeg => "image/jpeg",
            MediaFormat.Png => "image/png",
            MediaFormat.Tiff => "image/tiff",
            MediaFormat.WebP => "image/webp",
            MediaFormat.Heif => extension == ".heif" ? "image/heif" : "image/heic",
            MediaFormat.Gif => "image/gif",
            MediaFormat.Wav => "audio/wav",
            MediaFormat.IsoMedia => extension switch
            {
                ".mov" => "video/quicktime",
                ".m4a" => "audio/mp4",
                ".3gp" => "video/3gpp",
                ".m4v" => "video/x-m4v",
                _ => "video/mp4",
            },
            _ => Unknown,
        };
    }
}
