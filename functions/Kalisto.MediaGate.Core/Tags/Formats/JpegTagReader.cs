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

    public static void Read(Stream stream, TagCollector tags)
    {
        var segments = JpegSegmentReader.ReadSegments(
            new SequentialStreamReader(stream, isMotorolaByteOrder: true),
            [JpegSegmentType.App1, JpegSegmentType.AppD]);
        var extended = new Dictionary<string, ExtendedXmp>(StringComparer.Ordinal);
        foreach (var segment in segments)
        {
            var bytes = segment.Bytes;
            tags.Account(bytes.Length, "JPEG segment");
            if (segment.Type == JpegSegmentType.App1 && bytes.AsSpan().StartsWith(ExifPreamble))
            {
                ExifTagReader.Read(bytes[ExifPreamble.Length..], "APP1 EXIF", tags);
            }
            else if (segment.Type == JpegSegmentType.App1 && bytes.AsSpan().StartsWith(XmpPreamble))
            {
                XmpPacketReader.Read(bytes.AsSpan(XmpPreamble.Length), "APP1", tags);
            }
            else if (segment.Type == JpegSegmentType.App1 && bytes.AsSpan().StartsWith(ExtendedXmpPreamble))
            {
                AddExtendedChunk(bytes.AsSpan(ExtendedXmpPreamble.Length), extended, tags);
            }
            else if (segment.Type == JpegSegmentType.AppD && bytes.AsSpan().StartsWith(PhotoshopPreamble))
            {
                PhotoshopResources.Read(bytes.AsSpan(PhotoshopPreamble.Length), "APP13", tags);
            }
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
