using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Imaging.Stripping;

/// <summary>
/// ISO base media and QuickTime (MP4, MOV, M4V, 3GP, M4A) and HEIF, changed in place so that no offset
/// (<c>stco</c>, <c>co64</c>, <c>iloc</c>, <c>trun</c>) moves and <c>mdat</c> is never rewritten: a box that can
/// hold identifiers becomes a <c>free</c> box of the same size with its payload zeroed.
/// </summary>
/// <remarks>
/// <para>
/// Neutralised wherever they stand in the structure that is walked (top level and every container below):
/// <c>uuid</c> (XMP, and vendors' blocks such as Sony's and Canon's, which hold EXIF with GPS), <c>XMP_</c>,
/// <c>udta</c> whole (XMP_, the ©-text atoms, ©xyz locations, 3GPP text and <c>loci</c>, iTunes-style
/// <c>meta</c>), <c>meta</c> (QuickTime keys such as keywords and location), and HEIF's user description
/// and accessibility text properties <c>udes</c> and <c>altt</c> (free text that can name who is shown).
/// At the top level also every other box that is not part of the media structure (such as Samsung's
/// <c>sefd</c> trailer with time and network country), and in a video the file-level <c>meta</c>. Free
/// space (<c>free</c>, <c>skip</c>, <c>wide</c>) keeps its type and size at every depth but its payload is
/// zeroed: editors leave old XMP packets and whole earlier movie headers there.
/// </para>
/// <para>
/// Walked: <c>moov</c>, <c>moof</c> and <c>mfra</c> and, below them, <c>trak</c>, <c>mdia</c>, <c>minf</c>,
/// <c>stbl</c>, <c>edts</c>, <c>dinf</c>/<c>dref</c>, <c>mvex</c>, <c>traf</c>, <c>tref</c>, <c>trgr</c>,
/// <c>sinf</c>, <c>schi</c>, <c>rinf</c>, <c>gmhd</c>, <c>tapt</c>, <c>clip</c>, <c>matt</c>, <c>meco</c>,
/// <c>strk</c>, <c>strd</c> and <c>wave</c>; and in <c>stsd</c> the child boxes of each visual and sound sample
/// entry (avc1, hvc1, mp4v, mp4a, …), found after the entry's fixed fields as the track's handler
/// (<c>vide</c>, <c>pict</c>, <c>auxv</c>, <c>soun</c>) and, for sound, the version and the QuickTime brand
/// define them. Sample entries of other handlers (text, subtitles, time code, timed metadata) are not
/// walked: their fixed fields differ per format, and a wrong guess would read fields as boxes. A visual or
/// sound sample entry whose children do not fit is <c>unreadable</c>, as is a box that does not fit its parent.
/// </para>
/// <para>
/// In HEIF the first top-level <c>meta</c> holds the picture, so it stays: its Exif and XMP items are
/// neutralised instead (their bytes zeroed, their item type changed to <c>free</c> and marked hidden, their
/// names cleared, see <see cref="HeifItems"/>), and its containers (<c>iprp</c>, <c>ipco</c>, <c>iinf</c>,
/// <c>dinf</c>) are walked as above; a HEIF's <c>moov</c> (image sequences) is walked as a video's. A HEIF
/// image item whose bytes lie in a range that is zeroed is refused rather than damaged.
/// </para>
/// <para>
/// Kept as they are: timed metadata tracks (samples inside <c>mdat</c>, which cannot be removed without
/// re-muxing), and the text fields of boxes the media needs (handler and compressor names, data reference
/// URLs of a self-contained file, the fields of sample entries that are not walked).
/// </para>
/// </remarks>
internal static class IsoMediaStripper
{
    /// <summary>Deepest nesting walked: moov/trak/mdia/minf/stbl/stsd/entry/sinf/schi needs 9.</summary>
    private const int MaxDepth = 12;
    private const int MaxBoxes = 100_000;

    /// <summary>A visual sample entry's fixed fields (ISO/IEC 14496-12 §12.1.3, QuickTime's video sample description).</summary>
    private const int VisualSampleEntryFields = 78;

    private static readonly HashSet<string> QuickTimeFirstBoxes = ["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"];

    /// <summary>Top-level boxes that are kept; any other (vendor trailers such as Samsung's <c>sefd</c>) is neutralised.</summary>
    private static readonly HashSet<string> KeptTopLevelBoxes = ["ftyp", "moov", "mdat", "free", "skip", "wide", "moof", "mfra", "sidx", "ssix", "styp", "prft", "pdin"];

    /// <summary>Boxes that hold identifiers wherever they stand; each becomes a <c>free</c> box.</summary>
    private static readonly HashSet<string> IdentifierBoxes = ["uuid", "XMP_", "udta", "meta", "udes", "altt"];

    /// <summary>Free space: the box stays, its payload is zeroed.</summary>
    private static readonly HashSet<string> FreeSpaceBoxes = ["free", "skip", "wide"];

    /// <summary>Boxes made of boxes alone, from the first byte of the payload.</summary>
    private static readonly HashSet<string> Containers =
    [
        "moov", "trak", "mdia", "minf", "stbl", "edts", "dinf", "mvex", "moof", "traf", "mfra", "tref", "trgr",
        "sinf", "schi", "rinf", "gmhd", "tapt", "clip", "matt", "meco", "strk", "strd", "wave", "iprp", "ipco", "grpl",
    ];

    private static readonly HashSet<string> VisualHandlers = ["vide", "pict", "auxv"];

    public static OutputPlan PlanMedia(SourceReader reader) => Plan(reader, heif: false);

    public static OutputPlan PlanHeif(SourceReader reader) => Plan(reader, heif: true);

    private static OutputPlan Plan(SourceReader reader, bool heif)
    {
        var walk = new Walk(reader);
        var top = walk.Children(0, reader.Length);
        if (top.Count == 0 || !QuickTimeFirstBoxes.Contains(top[0].Type) || (heif && top[0].Type != "ftyp"))
        {
            throw StrippingException.Unreadable(heif ? "the content is not a HEIF file" : "the content is not an ISO media or QuickTime file");
        }

        walk.QuickTime = top[0].Type != "ftyp" || walk.MajorBrand(top[0]) == "qt  ";
        var metaSeen = false;
        List<(long Start, long End)> imageRanges = [];
        foreach (var box in top)
        {
            switch (box.Type)
            {
                case "moov" or "moof" or "mfra":
                    walk.Structure(box, 1);
                    break;
                case "meta" when heif && !metaSeen:
                    metaSeen = true;
                    imageRanges = HeifItems.Neutralise(walk, box);
                    walk.Structure(box, 1, offset: 4); // meta is a full box
                    break;
                case var type when FreeSpaceBoxes.Contains(type):
                    walk.ClearFreeSpace(box);
                    break;
                case var type when !KeptTopLevelBoxes.Contains(type):
                    walk.Neutralise(box); // uuid (XMP, vendors' EXIF), a video's meta, unknown boxes
                    break;
                default:
                    break;
            }
        }

        if (heif && !metaSeen)
        {
            throw StrippingException.Unreadable("the HEIF file has no meta box");
        }

        if (imageRanges.Any(i => walk.Cleared.Any(n => i.Start < n.End && n.Start < i.End)))
        {
            throw StrippingException.Unsupported("a HEIF image item lies in a box that is removed");
        }

        return OutputPlan.Patched(reader.Length, walk.Patches);
    }

    /// <summary>The box walk over one file, with a shared box budget so crafted nesting stays cheap.</summary>
    internal sealed class Walk(SourceReader reader)
    {
        private int _budget = MaxBoxes;

        public SourceReader Reader { get; } = reader;

        public PatchSet Patches { get; } = new();

        /// <summary>The byte ranges zeroed by the walk (boxes turned into <c>free</c>, emptied free space), as (start, end).</summary>
        public List<(long Start, long End)> Cleared { get; } = [];

        /// <summary>The file is QuickTime (brand <c>qt  </c> or no <c>ftyp</c>), which decides the layout of version 1 sound entries.</summary>
        public bool QuickTime { get; set; }

        /// <summary>The boxes between <paramref name="start"/> and <paramref name="end"/>.</summary>
        public List<IsoBox> Children(long start, long end) =>
            TryChildren(start, end, out var boxes, out var misfit)
                ? boxes
                : throw StrippingException.Unreadable($"box '{misfit}' does not fit in its parent");

        public List<IsoBox> Children(IsoBox parent, long offset = 0) => Children(parent.PayloadStart + offset, parent.End);

        /// <summary>
        /// The boxes between <paramref name="start"/> and <paramref name="end"/>, or null when those bytes are
        /// not a list of boxes; the box budget counts all the same.
        /// </summary>
        public List<IsoBox>? TryChildren(long start, long end) => TryChildren(start, end, out var boxes, out _) ? boxes : null;

        /// <summary>
        /// Walks the boxes inside <paramref name="container"/> (from <paramref name="offset"/> bytes into its
        /// payload): neutralises identifier boxes, empties free space and descends into the containers it knows.
        /// </summary>
        public void Structure(IsoBox container, int depth, long offset = 0, string? handler = null)
        {
            if (depth > MaxDepth)
            {
                throw StrippingException.Unreadable("boxes are nested too deeply");
            }

            var children = Children(container, offset);
            if (container.Type == "mdia")
            {
                handler = HandlerType(children);
            }

            Visit(children, depth, handler);
        }

        /// <summary>Turns the box into a <c>free</c> box of the same size (any 64-bit size field stays) with zeros inside.</summary>
        public void Neutralise(IsoBox box)
        {
            Cleared.Add((box.Start, box.End));
            Patches.Write(box.Start + 4, "free"u8.ToArray());
            Patches.Zero(box.PayloadStart, box.PayloadSize);
        }

        /// <summary>Keeps a <c>free</c>, <c>skip</c> or <c>wide</c> box, type and size, with zeros inside.</summary>
        public void ClearFreeSpace(IsoBox box)
        {
            if (box.PayloadSize > 0)
            {
                Cleared.Add((box.PayloadStart, box.End));
            }

            Patches.Zero(box.PayloadStart, box.PayloadSize);
        }

        public string MajorBrand(IsoBox ftyp)
        {
            if (ftyp.PayloadSize < 4)
            {
                return string.Empty;
            }

            Span<byte> brand = stackalloc byte[4];
            Reader.Seek(ftyp.PayloadStart);
            Reader.Read(brand, "the file type box");
            return Encoding.Latin1.GetString(brand);
        }

        private void Visit(List<IsoBox> boxes, int depth, string? handler)
        {
            foreach (var box in boxes)
            {
                switch (box.Type)
                {
                    case var type when FreeSpaceBoxes.Contains(type):
                        ClearFreeSpace(box);
                        break;
                    case var type when IdentifierBoxes.Contains(type):
                        Neutralise(box);
                        break;
                    case "cmov":
                        throw StrippingException.Unsupported("compressed movie headers are not supported");
                    case "stsd":
                        SampleDescriptions(box, depth + 1, handler);
                        break;
                    case "dref":
                        Structure(box, depth + 1, 8, handler); // a full box, then the entry count
                        break;
                    case "iinf":
                        Structure(box, depth + 1, ItemListOffset(box), handler);
                        break;
                    case var type when Containers.Contains(type):
                        Structure(box, depth + 1, 0, handler);
                        break;
                    default:
                        break;
                }
            }
        }

        /// <summary>
        /// The sample entries of <c>stsd</c>; in visual and sound entries, the boxes after the fixed fields
        /// (codec configuration, <c>colr</c>, <c>pasp</c>, <c>btrt</c>, <c>sinf</c>, <c>wave</c>, and any
        /// <c>uuid</c> or <c>udta</c> a writer put there).
        /// </summary>
        private void SampleDescriptions(IsoBox stsd, int depth, string? handler)
        {
            if (depth > MaxDepth)
            {
                throw StrippingException.Unreadable("boxes are nested too deeply");
            }

            foreach (var entry in Children(stsd, 8)) // a full box, then the entry count
            {
                var layouts = FixedFields(entry, handler);
                if (layouts is null)
                {
                    continue; // not a visual or sound entry: where its boxes start is not known, see the remarks
                }

                List<IsoBox>? children = null;
                foreach (var fields in layouts)
                {
                    if (entry.PayloadSize >= fields && TryChildren(entry.PayloadStart + fields, entry.End, out var boxes, out _))
                    {
                        children = boxes;
                        break;
                    }
                }

                Visit(
                    children ?? throw StrippingException.Unreadable($"the '{Printable(entry.Type)}' sample description does not hold boxes where its format puts them"),
                    depth + 1,
                    handler);
            }
        }

        /// <summary>
        /// Where a sample entry's child boxes may start, in the order to try: null when the entry is not a
        /// visual or sound entry. A sound entry's version says which QuickTime sound description it is
        /// (0: 28 bytes, 1: 44, 2: 64); ISO's AudioSampleEntryV1 is also version 1 but keeps 28 bytes, so
        /// version 1 tries the file's own convention first and the other after.
        /// </summary>
        private long[]? FixedFields(IsoBox entry, string? handler)
        {
            if (handler is not null && VisualHandlers.Contains(handler))
            {
                return [VisualSampleEntryFields];
            }

            if (handler != "soun")
            {
                return null;
            }

            if (entry.PayloadSize < 10)
            {
                return [];
            }

            Reader.Seek(entry.PayloadStart + 8); // reserved, data reference index
            return Reader.U16BigEndian("a sound sample description") switch
            {
                0 => [28],
                1 => QuickTime ? [44, 28] : [28, 44],
                2 => [64],
                _ => [],
            };
        }

        /// <summary>The handler type of a <c>mdia</c> box (vide, soun, …), read from its <c>hdlr</c>; null when it has none.</summary>
        private string? HandlerType(List<IsoBox> mdiaChildren)
        {
            var hdlr = mdiaChildren.FirstOrDefault(b => b.Type == "hdlr");
            if (hdlr.Type is null || hdlr.PayloadSize < 12)
            {
                return null;
            }

            Span<byte> type = stackalloc byte[4];
            Reader.Seek(hdlr.PayloadStart + 8); // version and flags, pre_defined (QuickTime: component type)
            Reader.Read(type, "a handler box");
            return Encoding.Latin1.GetString(type);
        }

        /// <summary>Where the item entries of <c>iinf</c> start: after version and flags, and a 16- or 32-bit count.</summary>
        private long ItemListOffset(IsoBox iinf)
        {
            if (iinf.PayloadSize < 1)
            {
                return 0;
            }

            Reader.Seek(iinf.PayloadStart);
            return Reader.Byte("the HEIF item list") == 0 ? 6 : 8;
        }

        private bool TryChildren(long start, long end, out List<IsoBox> boxes, out string misfit)
        {
            boxes = [];
            misfit = string.Empty;
            Span<byte> header = stackalloc byte[8];
            for (var position = start; end - position >= 8;)
            {
                if (--_budget < 0)
                {
                    throw StrippingException.Unreadable("the file has too many boxes");
                }

                Reader.Seek(position);
                Reader.Read(header, "a box header");
                long size = BinaryPrimitives.ReadUInt32BigEndian(header);
                var type = Encoding.Latin1.GetString(header[4..]);
                long headerSize = 8;
                if (size == 1)
                {
                    if (end - position < 16)
                    {
                        misfit = Printable(type);
                        return false;
                    }

                    Reader.Read(header, "a box header");
                    size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(header), long.MaxValue);
                    headerSize = 16;
                }
                else if (size == 0)
                {
                    size = end - position; // to the end of the enclosing box or file
                }

                if (size < headerSize || size > end - position)
                {
                    misfit = Printable(type);
                    return false;
                }

                boxes.Add(new IsoBox(type, position, headerSize, position + size));
                position += size;
            }

            return true;
        }
    }

    internal static string Printable(string type) => string.Concat(type.Select(c => c is >= ' ' and <= '~' ? c : '?'));
}

/// <summary>One box (atom) header.</summary>
internal readonly record struct IsoBox(string Type, long Start, long HeaderSize, long End)
{
    public long PayloadStart => Start + HeaderSize;

    public long PayloadSize => End - PayloadStart;
}
