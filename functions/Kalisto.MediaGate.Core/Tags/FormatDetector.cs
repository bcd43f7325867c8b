using System.Text;

namespace Kalisto.MediaGate.Tags;

/// <summary>Tells a container from its first bytes, and which names belong to it.</summary>
internal static class FormatDetector
{
    private static readonly HashSet<string> HeifBrands = ["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1", "heif"];
    private static readonly HashSet<string> AvifBrands = ["avif", "avis"];
    private static readonly HashSet<string> AudioBrands = ["M4A ", "M4B ", "M4P ", "F4A ", "F4B "];
    private static readonly HashSet<string> QuickTimeFirstBoxes = ["moov", "mdat", "free", "skip", "wide", "pnot"];

    private static readonly Dictionary<MediaFormat, string[]> Extensions = new()
    {
        [MediaFormat.Jpeg] = [".jpg", ".jpeg", ".jpe", ".jfif"],
        [MediaFormat.Png] = [".png"],
        [MediaFormat.Tiff] = [".tif", ".tiff"],
        [MediaFormat.WebP] = [".webp"],
        [MediaFormat.Heif] = [".heic", ".heif", ".hif"],
        [MediaFormat.Gif] = [".gif"],
        [MediaFormat.IsoMedia] = [".mp4", ".mov", ".m4v", ".3gp", ".3g2", ".qt", ".m4a"],
        [MediaFormat.Wav] = [".wav"],
    };

    public const int HeaderLength = 64;

    private static ReadOnlySpan<byte> JpegMagic => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> PngMagic => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static (MediaFormat Format, MediaKind Kind) Detect(ReadOnlySpan<byte> h, string fileName)
    {
        if (h.StartsWith(JpegMagic))
        {
            return (MediaFormat.Jpeg, MediaKind.Image);
        }

        if (h.StartsWith(PngMagic))
        {
            return (MediaFormat.Png, MediaKind.Image);
        }

        if (h.StartsWith("II*\0"u8) || h.StartsWith("MM\0*"u8))
        {
            return (MediaFormat.Tiff, MediaKind.Image);
        }

        if (h.StartsWith("GIF87a"u8) || h.StartsWith("GIF89a"u8))
        {
            return (MediaFormat.Gif, MediaKind.Image);
        }

        if (h.Length >= 12 && h.StartsWith("RIFF"u8))
        {
            if (h.Slice(8, 4).SequenceEqual("WEBP"u8))
            {
                return (MediaFormat.WebP, MediaKind.Image);
            }

            if (h.Slice(8, 4).SequenceEqual("WAVE"u8))
            {
                return (MediaFormat.Wav, MediaKind.Audio);
            }

            return (MediaFormat.Unknown, MediaKind.Unsupported);
        }

        if (h.Length >= 12 && h.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return IsoFamily(h, fileName);
        }

        if (h.Length >= 8 && QuickTimeFirstBoxes.Contains(Encoding.Latin1.GetString(h.Slice(4, 4))))
        {
            return (MediaFormat.IsoMedia, MediaKind.Video);
        }

        return (MediaFormat.Unknown, MediaKind.Unsupported);
    }

    /// <summary>True when the file's extension belongs to the detected container.</summary>
    /// <summary>
    /// Whether the name ends in the extension of any container MediaGate reads. A JPEG named
    /// <c>.heic</c> or a QuickTime movie named <c>.mp4</c> is common and harmless (it is read, stripped
    /// and typed by its content, as exiftool reads it); a name of another kind (<c>.html</c>, none) is not.
    /// </summary>
    public static bool IsMediaName(string fileName) =>
        Extensions.Values.Any(e => e.Contains(Path.GetExtension(fileName), StringComparer.OrdinalIgnoreCase));

    private static (MediaFormat, MediaKind) IsoFamily(ReadOnlySpan<byte> h, string fileName)
    {
        var size = (int)Math.Min(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(h), (uint)h.Length);
        var major = Encoding.Latin1.GetString(h.Slice(8, 4));
        var brands = new List<string> { major };
        for (var i = 16; i + 4 <= size; i += 4)
        {
            brands.Add(Encoding.Latin1.GetString(h.Slice(i, 4)));
        }

        if (AvifBrands.Contains(major) || (brands.Any(AvifBrands.Contains) && !brands.Any(b => HeifBrands.Contains(b) && b != "mif1" && b != "msf1")))
        {
            return (MediaFormat.Unknown, MediaKind.Unsupported); // AVIF is not a container MediaGate reads
        }

        if (HeifBrands.Contains(major) || (brands.Any(HeifBrands.Contains) && !brands.Contains("isom") && !brands.Contains("qt  ")))
        {
            return (MediaFormat.Heif, MediaKind.Image);
        }

        var audio = AudioBrands.Contains(major) || string.Equals(Path.GetExtension(fileName), ".m4a", StringComparison.OrdinalIgnoreCase);
        return (MediaFormat.IsoMedia, audio ? MediaKind.Audio : MediaKind.Video);
    }
}
