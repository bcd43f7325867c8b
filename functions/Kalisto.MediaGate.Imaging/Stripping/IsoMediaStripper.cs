using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Imaging.Stripping;

/// <summary>
/// ISO base media and QuickTime (MP4, MOV, M4V, 3GP, M4A) and HEIF, changed in place so that no offset
/// (<c>stco</c>, <c>co64</c>, <c>iloc</c>) moves and <c>mdat</c> is never rewritten: a box that can hold
/// identifiers becomes a <c>free</c> box of the same size with its payload zeroed.
/// </summary>
/// <remarks>
/// Neutralised: every top-level <c>uuid</c> box (XMP, and vendors' blocks such as Sony's and Canon's, which
/// hold EXIF with GPS) and every other top-level box that is not part of the media structure (such as
/// Samsung's <c>sefd</c> trailer with time and network country), and under <c>moov</c> and each <c>trak</c> the <c>udta</c> box whole (XMP_, the
/// ©-text atoms, ©xyz locations, 3GPP text and <c>loci</c>, iTunes-style <c>meta</c>), <c>meta</c>
/// (QuickTime keys such as keywords and location) and <c>uuid</c>. In a video the file-level <c>meta</c>
/// goes as well; in HEIF it holds the picture, so there the Exif and XMP items are neutralised instead:
/// their bytes zeroed, their item type changed to <c>free</c> and marked hidden, their names cleared.
/// Timed metadata tracks (samples inside <c>mdat</c>) cannot be removed without re-muxing and are kept.
/// </remarks>
internal static class IsoMediaStripper
{
    private const int MaxDepth = 8;
    private const int MaxBoxes = 100_000;

    private static readonly HashSet<string> QuickTimeFirstBoxes = ["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"];

    /// <summary>Top-level boxes that are kept; any other (vendor trailers such as Samsung's <c>sefd</c>) is neutralised.</summary>
    private static readonly HashSet<string> KeptTopLevelBoxes = ["ftyp", "moov", "mdat", "free", "skip", "wide", "moof", "mfra", "sidx", "ssix", "styp", "prft", "pdin"];

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

        var metaSeen = false;
        List<(long Start, long End)> imageRanges = [];
        foreach (var box in top)
        {
            switch (box.Type)
            {
                case "moov":
                    walk.Movie(box, 1);
                    break;
                case "meta" when heif && !metaSeen:
                    metaSeen = true;
                    imageRanges = HeifItems.Neutralise(walk, box);
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

        if (imageRanges.Any(i => walk.Neutralised.Any(n => i.Start < n.End && n.Start < i.End)))
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

        /// <summary>The boxes turned into <c>free</c> boxes, as (start, end).</summary>
        public List<(long Start, long End)> Neutralised { get; } = [];

        /// <summary>The boxes between <paramref name="start"/> and <paramref name="end"/>.</summary>
        public List<IsoBox> Children(long start, long end) => Parse(start, end, strict: true)!;

        /// <summary>
        /// The boxes between <paramref name="start"/> and <paramref name="end"/>, or null when those bytes are
        /// not a list of boxes; the box budget counts all the same.
        /// </summary>
        public List<IsoBox>? TryChildren(long start, long end) => Parse(start, end, strict: false);

        public List<IsoBox> Children(IsoBox parent, long offset = 0) => Children(parent.PayloadStart + offset, parent.End);

        private List<IsoBox>? Parse(long start, long end, bool strict)
        {
            var boxes = new List<IsoBox>();
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
                    return strict ? throw StrippingException.Unreadable($"box '{Printable(type)}' does not fit in its parent") : null;
                }

                boxes.Add(new IsoBox(type, position, headerSize, position + size));
                position += size;
            }

            return boxes;
        }

        public void Movie(IsoBox container, int depth)
        {
            if (depth > MaxDepth)
            {
                throw StrippingException.Unreadable("boxes are nested too deeply");
            }

            foreach (var box in Children(container))
            {
                switch (box.Type)
                {
                    case "udta" or "meta" or "uuid":
                        Neutralise(box);
                        break;
                    case "trak":
                        Movie(box, depth + 1);
                        break;
                    case "cmov":
                        throw StrippingException.Unsupported("compressed movie headers are not supported");
                    default:
                        break;
                }
            }
        }

        /// <summary>Turns the box into a <c>free</c> box of the same size (any 64-bit size field stays) with zeros inside.</summary>
        public void Neutralise(IsoBox box)
        {
            Neutralised.Add((box.Start, box.End));
            Patches.Write(box.Start + 4, "free"u8.ToArray());
            Patches.Zero(box.PayloadStart, box.PayloadSize);
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
