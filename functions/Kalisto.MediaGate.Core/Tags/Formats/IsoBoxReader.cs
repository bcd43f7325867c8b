using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>One box (atom) header of an ISO base media / QuickTime file.</summary>
internal readonly record struct IsoBox(string Type, long Start, long HeaderSize, long End)
{
    public long PayloadStart => Start + HeaderSize;

    public long PayloadSize => End - PayloadStart;
}

/// <summary>
/// Walks the boxes of an ISO base media / QuickTime file by seeking, so media data (<c>mdat</c>)
/// is never read however large it is.
/// </summary>
/// <remarks>
/// MetadataExtractor 2.4.3 does not read XMP in MOV <c>moov/udta/XMP_</c> nor HEIF XMP items, and
/// its QuickTime reader sends the <c>uuid</c> XMP to XmpCore; walking the few boxes that hold tags
/// is a small, bounded job, so it is done here.
/// </remarks>
internal static class IsoBoxReader
{
    public const int MaxBoxesPerFile = 100_000;

    /// <summary>Reads the box header at the stream's position, within <paramref name="parentEnd"/>.</summary>
    public static IsoBox? Next(Stream stream, long parentEnd, ref int budget)
    {
        var start = stream.Position;
        if (parentEnd - start < 8)
        {
            return null;
        }

        if (--budget < 0)
        {
            throw new UnreadableMetadataException("the file has too many boxes");
        }

        Span<byte> header = stackalloc byte[16];
        stream.ReadExactlyOrThrow(header[..8], "a box header");
        long size = BinaryPrimitives.ReadUInt32BigEndian(header);
        var type = Encoding.Latin1.GetString(header.Slice(4, 4));
        long headerSize = 8;
        if (size == 1)
        {
            stream.ReadExactlyOrThrow(header.Slice(8, 8), "a box header");
            size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(header.Slice(8, 8)), long.MaxValue);
            headerSize = 16;
        }
        else if (size == 0)
        {
            size = parentEnd - start; // to the end of the enclosing box or file
        }

        if (size < headerSize || size > parentEnd - start)
        {
            throw new UnreadableMetadataException($"box '{Printable(type)}' does not fit in its parent");
        }

        return new IsoBox(type, start, headerSize, start + size);
    }

    /// <summary>The boxes inside <paramref name="parent"/> (from <paramref name="offset"/> bytes into its payload).</summary>
    public static IEnumerable<IsoBox> Children(Stream stream, IsoBox parent, IsoBudget budget, long offset = 0)
    {
        var position = parent.PayloadStart + offset;
        while (true)
        {
            stream.Position = position;
            var box = Next(stream, parent.End, ref budget.Boxes);
            if (box is null)
            {
                yield break;
            }

            yield return box.Value;
            position = box.Value.End;
        }
    }

    public static IEnumerable<IsoBox> TopLevel(Stream stream, IsoBudget budget) =>
        Children(stream, new IsoBox("file", 0, 0, stream.Length), budget);

    public static byte[] Payload(Stream stream, IsoBox box, TagCollector tags, long offset = 0)
    {
        stream.Position = box.PayloadStart + offset;
        return stream.ReadBlock(box.PayloadSize - offset, $"box '{Printable(box.Type)}'", tags);
    }

    /// <summary>
    /// QuickTime's <c>meta</c> has no version/flags, ISO's does: tell them apart by where <c>hdlr</c> starts.
    /// </summary>
    public static long MetaChildrenOffset(Stream stream, IsoBox meta)
    {
        if (meta.PayloadSize < 12)
        {
            return 0;
        }

        Span<byte> probe = stackalloc byte[12];
        stream.Position = meta.PayloadStart;
        stream.ReadExactlyOrThrow(probe, "a meta box");
        return probe.Slice(4, 4).SequenceEqual("hdlr"u8) ? 0 : 4;
    }

    public static string Printable(string type) =>
        string.Concat(type.Select(c => c is >= ' ' and <= '~' ? c : '?'));
}

/// <summary>How many more boxes a file may have; a shared counter so crafted nesting cannot loop for long.</summary>
internal sealed class IsoBudget
{
#pragma warning disable CA1051 // a plain field so it can be passed by reference
    public int Boxes = IsoBoxReader.MaxBoxesPerFile;
#pragma warning restore CA1051
}
