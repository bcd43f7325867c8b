using System.Buffers.Binary;
using System.Globalization;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>
/// The AFCP trailer (AXS File Concatenation Protocol) that some tools append to a JPEG after its
/// image data, with an IPTC block in it; exiftool reads it as the group <c>IPTC2</c>.
/// </summary>
/// <remarks>
/// Hand-written because MetadataExtractor does not read AFCP. The layout follows exiftool's AFCP
/// module: the file ends with a 12-byte trailer, <c>AXS!</c> (big-endian) or <c>AXS*</c>
/// (little-endian), then the absolute offset of the AFCP header and a checksum; the header repeats
/// the signature, then a version (2), the number of entries (2) and a checksum (4); each 12-byte
/// entry gives a 4-character type, a size and an absolute offset. Only the last 12 bytes are read
/// unless they hold the signature. A trailer whose offset does not lead to its header (an editor
/// changed the file's length; exiftool then scans for the header) makes the file unreadable: the
/// IPTC block it announces cannot be found.
/// </remarks>
internal static class AfcpTrailer
{
    private const int TrailerLength = 12;
    private const int HeaderLength = 12;
    private const int EntryLength = 12;

    public static void Read(Stream stream, TagCollector tags)
    {
        if (stream.Length < TrailerLength + HeaderLength)
        {
            return;
        }

        Span<byte> trailer = stackalloc byte[TrailerLength];
        stream.Position = stream.Length - TrailerLength;
        stream.ReadExactlyOrThrow(trailer, "the last bytes of the file");
        if (!trailer.StartsWith("AXS!"u8) && !trailer.StartsWith("AXS*"u8))
        {
            return;
        }

        var bigEndian = trailer[3] == (byte)'!';
        var start = UInt32(trailer[4..], bigEndian);
        if (start > stream.Length - TrailerLength - HeaderLength)
        {
            throw new UnreadableMetadataException("the AFCP trailer points outside the file");
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        stream.Position = start;
        stream.ReadExactlyOrThrow(header, "the AFCP header");
        if (!header[..4].SequenceEqual(trailer[..4]))
        {
            throw new UnreadableMetadataException("the AFCP trailer does not point to an AFCP header");
        }

        var count = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header[6..]) : BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
        var directory = stream.ReadBlock((long)count * EntryLength, "the AFCP directory", tags);
        for (var i = 0; i < count; i++)
        {
            var entry = directory.AsSpan(i * EntryLength, EntryLength);
            if (!entry[..4].SequenceEqual("IPTC"u8))
            {
                continue; // text, thumbnail and preview entries hold no tags
            }

            var size = UInt32(entry[4..], bigEndian);
            var offset = UInt32(entry[8..], bigEndian);
            if (offset > stream.Length)
            {
                throw new UnreadableMetadataException(
                    string.Create(CultureInfo.InvariantCulture, $"AFCP entry {i} points outside the file"));
            }

            stream.Position = offset;
            IptcTagReader.Read(stream.ReadBlock(size, "IPTC in the AFCP trailer", tags), "AFCP trailer", tags);
        }
    }

    private static uint UInt32(ReadOnlySpan<byte> bytes, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
}
