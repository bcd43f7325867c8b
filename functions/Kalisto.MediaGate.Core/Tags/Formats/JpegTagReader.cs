using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>
/// JPEG: the APP1 (EXIF, XMP, extended XMP), APP13 (Photoshop/IPTC) and COM segments, up to the start
/// of the image data, and an AFCP trailer at the end of the file.
/// </summary>
internal static class JpegTagReader
{
    private static readonly byte[] ExifPreamble = "Exif\0\0"u8.ToArray();
    private static readonly byte[] XmpPreamble = "http://ns.adobe.com/xap/1.0/\0"u8.ToArray();
    private static readonly byte[] ExtendedXmpPreamble = "http://ns.adobe.com/xmp/extension/\0"u8.ToArray();
    private static readonly byte[] PhotoshopPreamble = "Photoshop 3.0\0"u8.ToArray();

    private static readonly byte[] OldPhotoshopPreamble = "Adobe_Photoshop2.5:"u8.ToArray();

    private const byte App1Marker = 0xE1;
    private const byte App13 = 0xED;
    private const byte Com = 0xFE;
    private const byte Sos = 0xDA;
    private const byte Eoi = 0xD9;
    private const int MaxSegments = 100_000;

    public static void Read(Stream stream, TagCollector tags)
    {
        var extended = new Dictionary<string, ExtendedXmp>(StringComparer.Ordinal);
        byte[]? photoshop = null;
        long? frame = null;
        foreach (var (marker, start, length) in Segments(stream))
        {
            if (marker != App13 && photoshop is not null)
            {
                PhotoshopResources.Read(photoshop, "APP13", tags);
                photoshop = null;
            }

            switch (marker)
            {
                case App1Marker:
                    App1(stream, start, length, extended, tags);
                    break;
                case App13:
                    if (PhotoshopData(Payload(stream, start, length, tags)) is { } data)
                    {
                        // Photoshop splits large resource blocks over consecutive APP13 segments (as exiftool joins them).
                        photoshop = photoshop is null ? data : [.. photoshop, .. data];
                    }

                    break;
                case Com when tags.ExaminesText:
                    tags.Examined(Encoding.Latin1.GetString(Payload(stream, start, length, tags)), "the JPEG comment (COM)");
                    break;
                case >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC):
                    frame ??= start;
                    break;
                default:
                    break;
            }
        }

        if (photoshop is not null)
        {
            PhotoshopResources.Read(photoshop, "APP13", tags);
        }

        foreach (var (guid, xmp) in extended)
        {
            if (!xmp.IsComplete)
            {
                throw new UnreadableMetadataException($"extended XMP {guid} is incomplete");
            }

            XmpPacketReader.Read(xmp.Buffer, "APP1 extended XMP", tags);
        }

        AfcpTrailer.Read(stream, tags);

        if (tags.HasPixelRegions && frame is { } sof)
        {
            // The frame header's size, for regions given in pixels: read only when such a region exists.
            Span<byte> size = stackalloc byte[5];
            stream.Position = sof;
            stream.ReadExactlyOrThrow(size, "the JPEG frame header");
            tags.ImageSize = (BinaryPrimitives.ReadUInt16BigEndian(size[3..]), BinaryPrimitives.ReadUInt16BigEndian(size[1..]));
        }
    }

    /// <summary>
    /// The marker segments up to the start of the image data (SOS), by seeking from header to header:
    /// each segment's payload start and length. Nothing of a payload is read here.
    /// </summary>
    /// <remarks>
    /// Walked here rather than with MetadataExtractor's segment reader, which reads every wanted segment
    /// whole: a camera's EXIF segment is mostly thumbnail and maker notes, which hold no tags, so the
    /// EXIF is read through <see cref="PagedSegmentReader"/> instead.
    /// </remarks>
    private static IEnumerable<(byte Marker, long Start, int Length)> Segments(Stream stream)
    {
        var header = new byte[2];
        stream.Position = 2; // SOI
        for (var count = 0; count < MaxSegments; count++)
        {
            stream.ReadExactlyOrThrow(header, "a JPEG segment header");
            if (header[0] != 0xFF)
            {
                throw new UnreadableMetadataException("the JPEG has data between its segments");
            }

            var marker = header[1];
            while (marker == 0xFF)
            {
                marker = NextByte(stream); // fill bytes
            }

            if (marker is Sos or Eoi)
            {
                yield break;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // no length, no payload
            }

            stream.ReadExactlyOrThrow(header, "a JPEG segment header");
            var length = BinaryPrimitives.ReadUInt16BigEndian(header) - 2;
            var start = stream.Position;
            if (length < 0 || length > stream.Length - start)
            {
                throw new UnreadableMetadataException("the JPEG ends inside a segment");
            }

            yield return (marker, start, length);
            stream.Position = start + length;
        }

        throw new UnreadableMetadataException("the JPEG has too many segments");
    }

    private static byte NextByte(Stream stream)
    {
        var b = stream.ReadByte();
        return b < 0 ? throw new UnreadableMetadataException("the JPEG ends inside a segment header") : (byte)b;
    }

    private static byte[] Payload(Stream stream, long start, int length, TagCollector tags)
    {
        stream.Position = start;
        return stream.ReadBlock(length, "JPEG segment", tags);
    }

    /// <summary>
    /// APP1 as exiftool tells the kinds apart: EXIF after <c>Exif\0</c> (any case) and any one byte (Kodak and others
    /// write a second byte other than NUL), up to four bytes of garbage before it, read in pages where its IFDs
    /// are; anything else is read whole.
    /// </summary>
    private static void App1(Stream stream, long start, int length, Dictionary<string, ExtendedXmp> extended, TagCollector tags)
    {
        Span<byte> prefix = stackalloc byte[Math.Min(length, 16)];
        stream.Position = start;
        stream.ReadExactlyOrThrow(prefix, "an APP1 segment");
        if (ExifStart(prefix) is { } tiff)
        {
            tags.Account(length, "JPEG segment");
            ExifTagReader.Read(new PagedSegmentReader(stream, start + tiff, length - tiff), "APP1 EXIF", tags);
            return;
        }

        App1(Payload(stream, start, length, tags), extended, tags);
    }

    /// <summary>
    /// An APP1 segment that is no EXIF: XMP after the standard header, after the non-standard ones
    /// (<c>XMP\0</c>, a space before the NUL) or with no header at all, or extended XMP.
    /// </summary>
    private static void App1(byte[] bytes, Dictionary<string, ExtendedXmp> extended, TagCollector tags)
    {
        var span = bytes.AsSpan();
        if (span.StartsWith(XmpPreamble))
        {
            XmpPacketReader.Read(span[XmpPreamble.Length..], "APP1", tags);
        }
        else if (span.StartsWith(ExtendedXmpPreamble))
        {
            AddExtendedChunk(span[ExtendedXmpPreamble.Length..], extended, tags);
        }
        else if (XmpStart(span) is { } xmp)
        {
            XmpPacketReader.Read(span[xmp..], "APP1 (non-standard XMP header)", tags);
        }
        else
        {
            tags.Examined(Encoding.Latin1.GetString(bytes), "an APP1 segment of unknown kind");
        }
    }

    private static int? ExifStart(ReadOnlySpan<byte> segment)
    {
        // Case-insensitive, as exiftool's /^(.{0,4})Exif\0/is (the stripper keeps the orientation by the same rule).
        for (var at = 0; at <= 4 && at + ExifPreamble.Length <= segment.Length; at++)
        {
            if (Ascii.EqualsIgnoreCase(segment.Slice(at, 4), "Exif"u8) && segment[at + 4] == 0)
            {
                return at + ExifPreamble.Length;
            }
        }

        return null;
    }

    private static int? XmpStart(ReadOnlySpan<byte> segment)
    {
        if (segment.StartsWith("XMP\0"u8) || segment.StartsWith("http"u8) || segment.IndexOf("<?xpacket"u8) >= 0 || segment.IndexOf("<x:xmpmeta"u8) >= 0)
        {
            var open = segment.IndexOf((byte)'<');
            return open >= 0 ? open : null;
        }

        return null;
    }

    private static byte[]? PhotoshopData(byte[] bytes) =>
        bytes.AsSpan().StartsWith(PhotoshopPreamble) ? bytes[PhotoshopPreamble.Length..]
        : bytes.AsSpan().StartsWith(OldPhotoshopPreamble) && bytes.Length >= 27 ? bytes[27..] // the old header, as exiftool skips it
        : null;

    private static void AddExtendedChunk(ReadOnlySpan<byte> chunk, Dictionary<string, ExtendedXmp> extended, TagCollector tags)
    {
        // GUID (32 ASCII hex), full length (4), offset of this chunk (4), data.
        if (chunk.Length < 40)
        {
            throw new UnreadableMetadataException("extended XMP chunk is truncated");
        }

        var guid = Encoding.ASCII.GetString(chunk[..32]);
        var fullLength = BinaryPrimitives.ReadUInt32BigEndian(chunk.Slice(32, 4));
        var offset = BinaryPrimitives.ReadUInt32BigEndian(chunk.Slice(36, 4));
        var data = chunk[40..];
        if (!extended.TryGetValue(guid, out var xmp))
        {
            if (fullLength > tags.Options.MaxMetadataBytes)
            {
                throw new MetadataTooLargeException("extended XMP is larger than the metadata limit");
            }

            xmp = new ExtendedXmp(new byte[fullLength]);
            extended[guid] = xmp;
        }

        if (fullLength != xmp.Buffer.Length || offset > fullLength || data.Length > fullLength - offset)
        {
            throw new UnreadableMetadataException("extended XMP chunk does not fit its packet");
        }

        data.CopyTo(xmp.Buffer.AsSpan((int)offset));
        xmp.Received += data.Length;
    }

    private sealed class ExtendedXmp(byte[] buffer)
    {
        public byte[] Buffer { get; } = buffer;

        public long Received { get; set; }

        public bool IsComplete => Received >= Buffer.Length;
    }
}
