using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>
/// HEIC/HEIF: the <c>Exif</c> item and the XMP item (<c>mime</c>, <c>application/rdf+xml</c>) found
/// through <c>meta/iinf</c> and <c>meta/iloc</c>; only those items' bytes are read.
/// </summary>
internal static class HeifTagReader
{
    public static void Read(Stream stream, TagCollector tags)
    {
        var budget = new IsoBudget();
        foreach (var box in IsoBoxReader.TopLevel(stream, budget).ToList())
        {
            if (box.Type == "meta")
            {
                Meta(stream, box, budget, tags);
            }
            else if (box.Type == "uuid")
            {
                IsoMediaTagReader.Uuid(stream, box, tags);
            }
        }
    }

    private static void Meta(Stream stream, IsoBox meta, IsoBudget budget, TagCollector tags)
    {
        var children = IsoBoxReader.Children(stream, meta, budget, 4).ToList();
        var iinf = children.FirstOrDefault(b => b.Type == "iinf");
        var iloc = children.FirstOrDefault(b => b.Type == "iloc");
        var idat = children.FirstOrDefault(b => b.Type == "idat");
        if (iinf.Type is null || iloc.Type is null)
        {
            return;
        }

        var items = ItemInfos(stream, iinf, budget, tags);
        // An item is Exif by its type, or (versions 0 and 1 of infe, and mime items) by its content type, as exiftool reads it.
        var wanted = items.Where(i => IsExif(i) || (i.Type == "mime" && i.ContentType.Contains("rdf+xml", StringComparison.OrdinalIgnoreCase)))
            .ToDictionary(i => i.Id);
        if (wanted.Count == 0)
        {
            return;
        }

        foreach (var location in HeifItemLocation.Parse(IsoBoxReader.Payload(stream, iloc, tags)))
        {
            if (!wanted.TryGetValue(location.ItemId, out var item))
            {
                continue;
            }

            var data = ItemData(stream, location, idat, tags);
            if (IsExif(item))
            {
                if (data.Length < 4)
                {
                    throw new UnreadableMetadataException("the HEIF Exif item is truncated");
                }

                var offset = 4 + (long)BinaryPrimitives.ReadUInt32BigEndian(data);
                if (offset > data.Length)
                {
                    throw new UnreadableMetadataException("the HEIF Exif item is damaged");
                }

                ExifTagReader.Read(data[(int)offset..], "HEIF Exif item", tags);
            }
            else
            {
                XmpPacketReader.Read(data, "HEIF XMP item", tags);
            }
        }
    }

    private static bool IsExif(ItemInfo item) =>
        item.Type == "Exif" || (item.Type == "mime" && string.Equals(item.ContentType.Trim(), "Exif", StringComparison.OrdinalIgnoreCase));

    private static byte[] ItemData(Stream stream, HeifItemLocation location, IsoBox idat, TagCollector tags)
    {
        using var data = new MemoryStream();
        foreach (var (offset, length) in location.Extents)
        {
            long start;
            if (location.ConstructionMethod == 0)
            {
                start = location.BaseOffset + offset;
            }
            else if (location.ConstructionMethod == 1 && idat.Type is not null)
            {
                start = idat.PayloadStart + location.BaseOffset + offset;
            }
            else
            {
                throw new UnreadableMetadataException("a HEIF metadata item uses an unsupported construction method");
            }

            if (start < 0 || start > stream.Length)
            {
                throw new UnreadableMetadataException("a HEIF metadata item lies outside the file");
            }

            stream.Position = start;
            data.Write(stream.ReadBlock(length == 0 ? stream.Length - start : length, "a HEIF metadata item", tags));
        }

        return data.ToArray();
    }

    private static List<ItemInfo> ItemInfos(Stream stream, IsoBox iinf, IsoBudget budget, TagCollector tags)
    {
        stream.Position = iinf.PayloadStart;
        Span<byte> head = stackalloc byte[4];
        stream.ReadExactlyOrThrow(head, "the HEIF item list");
        var entryCountSize = head[0] == 0 ? 2 : 4;
        var result = new List<ItemInfo>();
        foreach (var infe in IsoBoxReader.Children(stream, iinf, budget, 4 + entryCountSize).Where(b => b.Type == "infe").ToList())
        {
            var p = IsoBoxReader.Payload(stream, infe, tags);
            if (p.Length < 4)
            {
                throw new UnreadableMetadataException("a HEIF item entry is truncated");
            }

            long id;
            var pos = 4;
            var type = "mime";
            if (p[0] >= 2)
            {
                var idSize = p[0] == 2 ? 2 : 4;
                if (p.Length < pos + idSize + 6)
                {
                    throw new UnreadableMetadataException("a HEIF item entry is truncated");
                }

                id = idSize == 2 ? BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(pos)) : BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(pos));
                pos += idSize + 2; // item_ID, protection index
                type = Encoding.Latin1.GetString(p, pos, 4);
                pos += 4;
            }
            else
            {
                // Versions 0 and 1 have no item type: name, content type and encoding follow the ID,
                // so an XMP item is known by its content type alone (as exiftool reads it).
                if (p.Length < pos + 4)
                {
                    throw new UnreadableMetadataException("a HEIF item entry is truncated");
                }

                id = BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(pos));
                pos += 4; // item_ID, protection index
            }

            CString(p, ref pos); // item name, not needed
            var contentType = type == "mime" ? CString(p, ref pos) : string.Empty;
            result.Add(new ItemInfo(id, type, contentType));
        }

        return result;
    }

    private static string CString(byte[] bytes, ref int pos)
    {
        var end = Array.IndexOf(bytes, (byte)0, Math.Min(pos, bytes.Length));
        if (end < 0)
        {
            end = bytes.Length;
        }

        var text = Encoding.UTF8.GetString(bytes, pos, end - pos);
        pos = Math.Min(end + 1, bytes.Length);
        return text;
    }

    private sealed record ItemInfo(long Id, string Type, string ContentType);
}
