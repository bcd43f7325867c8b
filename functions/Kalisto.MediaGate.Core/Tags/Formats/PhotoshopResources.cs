using System.Buffers.Binary;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>
/// Photoshop image resource blocks (JPEG APP13, TIFF tag 34377): IPTC (resource 0x0404) and XMP
/// (0x0424).
/// </summary>
/// <remarks>
/// MetadataExtractor's PhotoshopReader would hand the XMP resource to XmpCore (see
/// <see cref="XmpPacketReader"/> for why that is avoided), so the 8BIM blocks are walked here; the
/// IPTC block still goes to MetadataExtractor's IPTC reader.
/// </remarks>
internal static class PhotoshopResources
{
    private const ushort IptcResource = 0x0404;
    private const ushort XmpResource = 0x0424;

    public static void Read(ReadOnlySpan<byte> data, string container, TagCollector tags)
    {
        var pos = 0;
        while (pos + 12 <= data.Length)
        {
            var signature = data.Slice(pos, 4);
            if (!signature.SequenceEqual("8BIM"u8) && !signature.SequenceEqual("MeSa"u8) && !signature.SequenceEqual("PHUT"u8)
                && !signature.SequenceEqual("AgHg"u8) && !signature.SequenceEqual("DCSR"u8))
            {
                throw new UnreadableMetadataException($"Photoshop resources in {container} are damaged");
            }

            var id = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos + 4, 2));
            pos += 6;
            int nameLength = data[pos];
            pos += 1 + nameLength;
            if ((1 + nameLength) % 2 == 1)
            {
                pos++;
            }

            if (pos + 4 > data.Length)
            {
                throw new UnreadableMetadataException($"Photoshop resources in {container} are truncated");
            }

            var size = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos, 4));
            pos += 4;
            if (size > (uint)(data.Length - pos))
            {
                throw new UnreadableMetadataException($"Photoshop resources in {container} are truncated");
            }

            var block = data.Slice(pos, (int)size);
            if (id == IptcResource)
            {
                IptcTagReader.Read(block.ToArray(), $"{container} Photoshop IRB", tags);
            }
            else if (id == XmpResource)
            {
                XmpPacketReader.Read(block, $"{container} Photoshop IRB", tags);
            }

            pos += (int)size + (int)(size % 2);
        }
    }
}
