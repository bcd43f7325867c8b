using System.Buffers.Binary;
using System.Text;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.IO;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>
/// JPEG: only the APP1 (EXIF, XMP, extended XMP) and APP13 (Photoshop/IPTC) segments, read with
/// MetadataExtractor's segment reader, which stops at the start of the image data.
/// </summary>
internal static class JpegTagReader
{
    private static readonly byte[] ExifPreamble = "Exif\0\0"u8.ToArray();
    private static readonly byte[] XmpPreamble = "http://ns.adobe.com/xap/1.0/\0"u8.ToArray();
    private static readonly byte[] ExtendedXmpPreamble = "http://ns.adobe.com/xmp/extension/\0"u8.ToArray();
    private static readonly byte[] PhotoshopPreamble = "Photoshop 3.0\0"u8.ToArray();

    private static readonly byte[] OldPhotoshopPreamble = "Adobe_Photoshop2.5:"u8.ToArray();

    private static readonly JpegSegmentType[] FrameTypes =
    [
        JpegSegmentType.Sof0, JpegSegmentType.Sof1, JpegSegmentType.Sof2, JpegSegmentType.Sof3, JpegSegmentType.Sof5,
        JpegSegmentType.Sof6, JpegSegmentType.Sof7, JpegSegmentType.Sof9, JpegSegmentType.Sof10, JpegSegmentType.Sof11,
        JpegSegmentType.Sof13, JpegSegmentType.Sof14, JpegSegmentType.Sof15,
    ];

    public static void Read(Stream stream, TagCollector tags)
    {
        var segments = JpegSegmentReader.ReadSegments(
            new SequentialStreamReader(stream, isMotorolaByteOrder: true),
            tags.ExaminesText ? [JpegSegmentType.App1, JpegSegmentType.AppD, JpegSegmentType.Com] : [JpegSegmentType.App1, JpegSegmentType.AppD]);
        var extended = new Dictionary<string, ExtendedXmp>(StringComparer.Ordinal);
        byte[]? photoshop = null;
        foreach (var segment in segments)
        {
            var bytes = segment.Bytes;
            tags.Account(bytes.Length, "JPEG segment");
            if (segment.Type != JpegSegmentType.AppD && photoshop is not null)
            {
                PhotoshopResources.Read(photoshop, "APP13", tags);
                photoshop = null;
            }

            switch (segment.Type)
            {
                case JpegSegmentType.App1:
                    App1(bytes, extended, tags);
                    break;
                case JpegSegmentType.AppD when PhotoshopData(bytes) is { } data:
                    // Photoshop splits large resource blocks over consecutive APP13 segments (as exiftool joins them).
                    photoshop = photoshop is null ? data : [.. photoshop, .. data];
                    break;
                case JpegSegmentType.Com:
                    tags.Examined(Encoding.Latin1.GetString(bytes), "the JPEG comment (COM)");
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

        if (tags.HasPixelRegions)
        {
            ImageSize(stream, tags);
        }
    }

    /// <summary>
    /// APP1 as exiftool tells the kinds apart: EXIF after <c>Exif\0</c> (any case) and any one byte (Kodak and others
    /// write a second byte other than NUL), up to four bytes of garbage before it; XMP after the standard
    /// header, after the non-standard ones (<c>XMP\0</c>, a space before the NUL) or with no header at all.
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
        else if (ExifStart(span) is { } tiff)
        {
            ExifTagReader.Read(bytes[tiff..], "APP1 EXIF", tags);
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

    /// <summary>The frame header's size, for regions given in pixels; read only when such a region exists.</summary>
    private static void ImageSize(Stream stream, TagCollector tags)
    {
        stream.Position = 0;
        var frame = JpegSegmentReader.ReadSegments(new SequentialStreamReader(stream, isMotorolaByteOrder: true), FrameTypes).FirstOrDefault();
        if (frame is { Bytes.Length: >= 5 })
        {
            var height = BinaryPrimitives.ReadUInt16BigEndian(frame.Bytes.AsSpan(1));
            var width = BinaryPrimitives.ReadUInt16BigEndian(frame.Bytes.AsSpan(3));
            tags.ImageSize = (width, height);
        }
    }

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
