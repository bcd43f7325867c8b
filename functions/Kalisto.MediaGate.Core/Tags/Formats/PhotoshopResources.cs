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

    // Resources inside an IPTC resource (ImageMagick's PNG "Raw profile type 8bim"): one level is seen.
    private const int MaxNesting = 1;

    public static void Read(ReadOnlySpan<byte> data, string container, TagCollector tags) => Read(data, container, tags, 0);

    private static void Read(ReadOnlySpan<byte> data, string container, TagCollector tags, int depth)
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
            if (id == IptcResource && block.StartsWith("8BIM"u8) && depth < MaxNesting)
            {
                // ImageMagick writes a PNG "Raw profile type 8bim" as an IPTC resource holding the
                // Photoshop resources (with their own IPTC resource) instead of the IPTC itself.
                Read(block, $"{container} nested", tags, depth + 1);
            }
            else if (id == IptcResource)
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
