using System.Buffers.Binary;
using Kalisto.MediaGate.Imaging.Stripping;

namespace Kalisto.MediaGate.Imaging.Publishing;

/// <summary>
/// ISO base media, QuickTime and HEIF: every box is searched, box by box down through the containers, except
/// the media data. In a video or audio file that is the payload of every <c>mdat</c> (skipped by seeking, so
/// a large video costs only its boxes). In HEIF it is the bytes of the coded image items (<c>hvc1</c>,
/// <c>av01</c>, <c>grid</c>, tiles …) as <c>iloc</c> places them in <c>mdat</c> or <c>idat</c>; every other
/// item (Exif, XMP, MIME) and every byte of <c>mdat</c> that no image item claims is searched, and an Exif
/// item is walked for a GPS pointer. A <c>©xyz</c> or <c>loci</c> box anywhere is a GPS location. Colour
/// profiles (<c>colr</c>) and the sample tables under <c>stbl</c> (all but <c>stsd</c>) are searched as binary data.
/// </summary>
internal static class IsoMediaCheck
{
    private const int MaxDepth = 12;
    private const long MaxExifBytes = 16 * 1024 * 1024;

    private static readonly HashSet<string> Containers =
    [
        "moov", "trak", "edts", "mdia", "minf", "dinf", "stbl", "mvex", "moof", "traf", "mfra", "udta", "meta",
        "ilst", "tref", "tapt", "gmhd", "sinf", "schi", "iprp", "ipco",
    ];

    private static readonly HashSet<string> LocationBoxes = ["\u00A9xyz", "loci"];

    private static readonly HashSet<string> CodedImageTypes =
    [
        "hvc1", "hev1", "hvt1", "lhv1", "av01", "avc1", "jpeg", "j2k1", "vvc1", "vvi1", "unci", "mski", "grid",
        "iovl", "iden", "tmap",
    ];

    public static void Check(SourceReader reader, RangeSearch search, bool heif, CancellationToken cancellationToken)
    {
        var walk = new IsoMediaStripper.Walk(reader);
        var top = walk.Children(0, reader.Length);
        if (top.Count == 0 || (heif && top[0].Type != "ftyp"))
        {
            throw StrippingException.Unreadable(heif ? "the content is not a HEIF file" : "the content is not an ISO media or QuickTime file");
        }

        var box = new BoxCheck(walk, search, []);
        if (heif && top.FirstOrDefault(b => b.Type == "meta") is { Type: not null } meta)
        {
            box = new BoxCheck(walk, search, Items(walk, search, meta, cancellationToken));
        }

        foreach (var child in top)
        {
            box.Box(child, Display(child.Type), 0, heif);
        }

        search.Add("the bytes after the last box", top[^1].End, reader.Length - top[^1].End);
    }

    /// <summary>
    /// Searches the non-image items (so a hit names the item) and walks Exif items; returns the byte ranges of
    /// the coded image items, which are left out.
    /// </summary>
    private static List<(long Start, long End)> Items(IsoMediaStripper.Walk walk, RangeSearch search, IsoBox meta, CancellationToken cancellationToken)
    {
        var reader = walk.Reader;
        var children = walk.Children(meta, 4);
        var iinf = children.FirstOrDefault(b => b.Type == "iinf");
        var iloc = children.FirstOrDefault(b => b.Type == "iloc");
        var idat = children.FirstOrDefault(b => b.Type == "idat");
        if (iinf.Type is null || iloc.Type is null)
        {
            return [];
        }

        var types = HeifItems.ItemInfos(walk, iinf).GroupBy(i => i.Id).ToDictionary(g => g.Key, g => g.First().Type);
        var images = new List<(long Start, long End)>();
        foreach (var location in HeifItems.ParseLocations(HeifItems.Payload(reader, iloc)))
        {
            var type = types.GetValueOrDefault(location.ItemId, "unknown");
            var ranges = HeifItems.Ranges(reader, location, idat, isMetadata: false).ToList();
            if (CodedImageTypes.Contains(type))
            {
                images.AddRange(ranges);
                continue;
            }

            var place = $"the HEIF '{Display(type)}' item {location.ItemId}";
            foreach (var (start, end) in ranges)
            {
                search.Add(place, start, end - start);
            }

            if (type == "Exif")
            {
                Exif(reader, ranges, place, cancellationToken);
            }
        }

        return images;
    }

    /// <summary>A HEIF Exif item: a four-byte offset to the TIFF header, then the EXIF block.</summary>
    private static void Exif(SourceReader reader, List<(long Start, long End)> ranges, string place, CancellationToken cancellationToken)
    {
        if (ranges.Sum(r => r.End - r.Start) > MaxExifBytes)
        {
            throw StrippingException.Unreadable($"{place} is larger than {MaxExifBytes / (1024 * 1024)} MB");
        }

        var data = new List<byte>();
        foreach (var (start, end) in ranges)
        {
            reader.Seek(start);
            data.AddRange(reader.ReadBytes(end - start, place));
        }

        var bytes = data.ToArray();
        if (bytes.Length < 4)
        {
            throw StrippingException.Unreadable($"{place} is truncated");
        }

        var offset = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        if (offset > bytes.Length - 4)
        {
            throw StrippingException.Unreadable($"{place} is damaged");
        }

        TiffCheck.CheckExif(bytes[(4 + (int)offset)..], place, cancellationToken);
    }

    /// <summary>A box type as people read it: printable ASCII, with the © of QuickTime's text atoms.</summary>
    private static string Display(string type) => string.Concat(type.Select(c => c is >= ' ' and <= '~' or '\u00A9' ? c : '?'));

    private sealed class BoxCheck(IsoMediaStripper.Walk walk, RangeSearch search, List<(long Start, long End)> images)
    {
        public void Box(IsoBox box, string path, int depth, bool heif, bool inSampleTable = false)
        {
            var place = $"the '{path}' box at byte {box.Start}";
            if (LocationBoxes.Contains(box.Type))
            {
                throw RangeSearch.Found($"a GPS location (a '{Display(box.Type)}' box)", place);
            }

            if (box.Type == "mdat" || (heif && box.Type == "idat"))
            {
                search.Add(place, box.Start, box.HeaderSize);
                if (heif)
                {
                    Outside(place, box.PayloadStart, box.End);
                }

                return;
            }

            if (Containers.Contains(box.Type) && depth < MaxDepth && Children(box) is ({ } children, var offset))
            {
                search.Add(place, box.Start, box.HeaderSize + offset);
                var end = box.PayloadStart + offset;
                foreach (var child in children)
                {
                    Box(child, $"{path}/{Display(child.Type)}", depth + 1, heif, box.Type == "stbl");
                    end = child.End;
                }

                search.Add(place, end, box.End - end); // a terminator or padding after the last child
                return;
            }

            search.Add(place, box.Start, box.End - box.Start, binary: box.Type == "colr" || (inSampleTable && box.Type != "stsd"));
        }

        /// <summary>The children of a container; <c>meta</c> is a full box in ISO files and a plain one in QuickTime.</summary>
        private (List<IsoBox>? Children, long Offset) Children(IsoBox box)
        {
            if (box.Type == "meta" && box.PayloadSize >= 4)
            {
                walk.Reader.Seek(box.PayloadStart);
                if (walk.Reader.U32BigEndian("a 'meta' box") == 0 && walk.TryChildren(box.PayloadStart + 4, box.End) is { } full)
                {
                    return (full, 4);
                }
            }

            return (walk.TryChildren(box.PayloadStart, box.End), 0);
        }

        /// <summary>Searches a data box's payload except the bytes of the coded image items.</summary>
        private void Outside(string place, long start, long end)
        {
            var position = start;
            foreach (var (imageStart, imageEnd) in images.Where(i => i.End > start && i.Start < end).OrderBy(i => i.Start))
            {
                if (imageStart > position)
                {
                    search.Add($"{place}, outside the image items", position, imageStart - position);
                }

                position = Math.Max(position, imageEnd);
            }

            if (end > position)
            {
                search.Add($"{place}, outside the image items", position, end - position);
            }
        }
    }
}
