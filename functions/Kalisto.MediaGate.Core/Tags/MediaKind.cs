namespace Kalisto.MediaGate.Tags;

/// <summary>What a file is, as far as screening is concerned.</summary>
public enum MediaKind
{
    /// <summary>Not a container MediaGate reads (SPEC §3.1): <c>unsupported-type</c>.</summary>
    Unsupported,
    Image,
    Video,
    Audio,
}

/// <summary>The container format found from the file's content (never from its name alone).</summary>
public enum MediaFormat
{
    Unknown,
    Jpeg,
    Png,
    Tiff,
    WebP,
    Heif,
    Gif,

    /// <summary>ISO base media / QuickTime: MP4, MOV, M4V, 3GP, M4A.</summary>
    IsoMedia,
    Wav,
}
