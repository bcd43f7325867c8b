using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>The content type a published copy is served with.</summary>
internal static class ContentTypes
{
    private const string Unknown = "application/octet-stream";

    /// <summary>The upload's own type when it has a specific one, else the type of the detected format.</summary>
    public static string For(string? uploaded, MediaFormat format, string name)
    {
        if (!string.IsNullOrWhiteSpace(uploaded) && uploaded != Unknown)
        {
            return uploaded;
        }

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
