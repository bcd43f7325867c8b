using System.Buffers.Binary;
using System.Text;
using Kalisto.MediaGate.Tags.Formats;

namespace Kalisto.MediaGate.Imaging.Stripping;

/// <summary>
/// The Exif and XMP items of a HEIF file, found through <c>meta/iinf</c> and <c>meta/iloc</c> (as the tag
/// reader finds them): their data is zeroed where it lies (in <c>mdat</c> or <c>idat</c>), and their
/// <c>infe</c> entry is changed so that no reader looks for them again. Refused, so the item is not
/// approved: a metadata item that is the primary item, is built from other items, has an extent without
/// a length, or shares bytes with an image item.
/// </summary>
internal static class HeifItems
{
    private static readonly byte[] NeutralType = "free"u8.ToArray();

    /// <summary>Neutralises the metadata items; returns the byte ranges of the other items, which must stay intact.</summary>
    public static List<(long Start, long End)> Neutralise(IsoMediaStripper.Walk walk, IsoBox meta)
    {
        var reader = walk.Reader;
        var children = walk.Children(meta, 4); // meta is a full box
        var iinf = children.FirstOrDefault(b => b.Type == "iinf");
        var iloc = children.FirstOrDefault(b => b.Type == "iloc");
        var idat = children.FirstOrDefault(b => b.Type == "idat");
        var pitm = children.FirstOrDefault(b => b.Type == "pitm");
        if (iinf.Type is null)
        {
            return []; // no items, so no metadata items
        }

        var items = ItemInfos(walk, iinf);
        var metadata = items.Where(i => i.IsMetadata).ToDictionary(i => i.Id);
        if (pitm.Type is not null && metadata.ContainsKey(PrimaryItem(reader, pitm)))
        {
            throw StrippingException.Unsupported("the HEIF primary item is a metadata item");
        }

        var locations = iloc.Type is null ? [] : ParseLocations(Payload(reader, iloc));
        var metadataRanges = new List<(long Start, long End)>();
        var imageRanges = new List<(long Start, long End)>();
        foreach (var location in locations)
        {
            var isMetadata = metadata.ContainsKey(location.ItemId);
            foreach (var range in Ranges(reader, location, idat, isMetadata))
            {
                (isMetadata ? metadataRanges : imageRanges).Add(range);
            }
        }

        if (metadataRanges.Any(m => imageRanges.Any(i => m.Start < i.End && i.Start < m.End)))
        {
            throw StrippingException.Unsupported("a HEIF metadata item shares bytes with an image item");
        }

        foreach (var (start, end) in metadataRanges)
        {
            walk.Patches.Zero(start, end - start);
        }

        foreach (var item in metadata.Values)
        {
            if (item.TypeOffset >= 0)
            {
                walk.Patches.Write(item.TypeOffset, NeutralType);
            }

            walk.Patches.Write(item.FlagsOffset, [0, 0, 1]); // flags: hidden item
            walk.Patches.Zero(item.StringsStart, item.StringsEnd - item.StringsStart);
        }

        return imageRanges;
    }

    /// <summary>
    /// The byte ranges of an item in the file (in <c>mdat</c>, elsewhere in the file, or in <c>idat</c>). An
    /// image item built from other items has none of its own; a metadata item that cannot be blanked in place
    /// is refused.
    /// </summary>
    internal static IEnumerable<(long Start, long End)> Ranges(SourceReader reader, HeifItemLocation location, IsoBox idat, bool isMetadata)
    {
        foreach (var (offset, length) in location.Extents)
        {
            long start;
            long limit;
            switch (location.ConstructionMethod)
            {
                case 0:
                    start = location.BaseOffset + offset;
                    limit = reader.Length;
                    break;
                case 1 when idat.Type is not null:
                    start = idat.PayloadStart + location.BaseOffset + offset;
                    limit = idat.End;
                    break;
                default:
                    if (isMetadata)
                    {
                        throw StrippingException.Unsupported("a HEIF metadata item is built in a way that cannot be stripped in place");
                    }

                    continue; // an image item built from other items has no bytes of its own here
            }

            if (length == 0 && isMetadata)
            {
                throw StrippingException.Unsupported("a HEIF metadata item has an extent without a length");
            }

            var end = length == 0 ? limit : start + length;
            if (start < 0 || start > limit || end > limit || end < start)
            {
                throw StrippingException.Unreadable("a HEIF item lies outside the file");
            }

            yield return (start, end);
        }
    }

    /// <summary>The entries of <c>iinf</c>: each item's ID, type, content type and where its entry lies.</summary>
    internal static List<ItemInfo> ItemInfos(IsoMediaStripper.Walk walk, IsoBox iinf)
    {
        var reader = walk.Reader;
        reader.Seek(iinf.PayloadStart);
        var version = reader.Byte("the HEIF item list");
        var result = new List<ItemInfo>();
        foreach (var infe in walk.Children(iinf, 4 + (version == 0 ? 2 : 4)).Where(b => b.Type == "infe"))
        {
            var p = Payload(reader, infe);
            if (p.Length < 4)
            {
                throw StrippingException.Unreadable("a HEIF item entry is truncated");
            }

            var pos = 4;
            long id;
            var type = "mime";
            var typeOffset = -1L;
            if (p[0] >= 2)
            {
                var idSize = p[0] == 2 ? 2 : 4;
                if (p.Length < pos + idSize + 6)
                {
                    throw StrippingException.Unreadable("a HEIF item entry is truncated");
                }

                id = idSize == 2 ? BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(pos)) : BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(pos));
                pos += idSize + 2; // item_ID, protection index
                type = Encoding.Latin1.GetString(p, pos, 4);
                typeOffset = infe.PayloadStart + pos;
                pos += 4;
            }
            else
            {
                // Versions 0 and 1 have no item type: name, content type and encoding follow the ID.
                if (p.Length < pos + 4)
                {
                    throw StrippingException.Unreadable("a HEIF item entry is truncated");
                }

                id = BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(pos));
                pos += 4;
            }

            var stringsStart = pos;
            CString(p, ref pos); // item name
            var contentType = type == "mime" ? CString(p, ref pos) : string.Empty;
            // exiftool names an item by its content type, else its item type: so an entry of version 0 or 1
            // (which has no item type) or a "mime" item whose content type is "Exif" is an Exif item too.
            var isMetadata = type == "Exif"
                || contentType.Equals("Exif", StringComparison.OrdinalIgnoreCase)
                || contentType.Contains("rdf+xml", StringComparison.OrdinalIgnoreCase);
            result.Add(new ItemInfo(id, type, contentType, isMetadata, typeOffset, infe.PayloadStart + 1, infe.PayloadStart + stringsStart, infe.End));
        }

        return result;
    }

    private static long PrimaryItem(SourceReader reader, IsoBox pitm)
    {
        var p = Payload(reader, pitm);
        return p.Length switch
        {
            >= 8 when p[0] != 0 => BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(4)),
            >= 6 => BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(4)),
            _ => throw StrippingException.Unreadable("the HEIF primary item box is truncated"),
        };
    }

    internal static byte[] Payload(SourceReader reader, IsoBox box)
    {
        reader.Seek(box.PayloadStart);
        return reader.ReadBytes(box.PayloadSize, $"box '{IsoMediaStripper.Printable(box.Type)}'");
    }

    private static string CString(byte[] bytes, ref int pos)
    {
        var start = Math.Min(pos, bytes.Length);
        var end = Array.IndexOf(bytes, (byte)0, start);
        if (end < 0)
        {
            end = bytes.Length;
        }

        pos = Math.Min(end + 1, bytes.Length);
        return Encoding.UTF8.GetString(bytes, start, end - start);
    }

    /// <summary>An item entry: its type and content type, and where its type, flags and strings (name, content type, encoding) lie in the file.</summary>
    internal sealed record ItemInfo(long Id, string Type, string ContentType, bool IsMetadata, long TypeOffset, long FlagsOffset, long StringsStart, long StringsEnd);

    internal static List<HeifItemLocation> ParseLocations(byte[] payload)
    {
        try
        {
            return HeifItemLocation.Parse(payload);
        }
        catch (UnreadableMetadataException e)
        {
            throw StrippingException.Unreadable(e.Message);
        }
    }
}
