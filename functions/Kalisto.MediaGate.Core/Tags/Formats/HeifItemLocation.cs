using System.Buffers.Binary;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>
/// One entry of a HEIF <c>iloc</c> box (ISO/IEC 14496-12 §8.11.3): where an item's bytes are. Read by the
/// tag reader to find Exif and XMP items, and by the metadata stripper to blank them.
/// </summary>
internal sealed record HeifItemLocation(long ItemId, int ConstructionMethod, long BaseOffset, IReadOnlyList<(long Offset, long Length)> Extents)
{
    /// <summary>Every entry of an <c>iloc</c> payload; damaged payloads throw <see cref="UnreadableMetadataException"/>.</summary>
    public static List<HeifItemLocation> Parse(byte[] payload)
    {
        var r = new Cursor(payload);
        var version = r.U8();
        r.Skip(3);
        var sizes = r.U8();
        var offsetSize = sizes >> 4;
        var lengthSize = sizes & 0xF;
        var more = r.U8();
        var baseOffsetSize = more >> 4;
        var indexSize = version is 1 or 2 ? more & 0xF : 0;
        var count = version < 2 ? r.U16() : r.U32();
        var result = new List<HeifItemLocation>();
        for (var i = 0L; i < count; i++)
        {
            var id = version < 2 ? r.U16() : r.U32();
            var method = version is 1 or 2 ? (int)(r.U16() & 0xF) : 0;
            r.Skip(2); // data reference index
            var baseOffset = r.Sized(baseOffsetSize);
            var extentCount = r.U16();
            var extents = new List<(long, long)>();
            for (var e = 0; e < extentCount; e++)
            {
                if (indexSize > 0)
                {
                    r.Sized(indexSize);
                }

                extents.Add((r.Sized(offsetSize), r.Sized(lengthSize)));
            }

            result.Add(new HeifItemLocation(id, method, baseOffset, extents));
        }

        return result;
    }

    private sealed class Cursor(byte[] bytes)
    {
        private int _pos;

        public byte U8() => Take(1)[0];

        public long U16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

        public long U32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

        public long Sized(int size) => size switch
        {
            0 => 0,
            4 => U32(),
            8 => (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(Take(8)), long.MaxValue),
            _ => throw new UnreadableMetadataException("the HEIF item locations use an invalid field size"),
        };

        public void Skip(int n) => Take(n);

        private ReadOnlySpan<byte> Take(int n)
        {
            if (_pos + n > bytes.Length)
            {
                throw new UnreadableMetadataException("the HEIF item locations are truncated");
            }

            var span = bytes.AsSpan(_pos, n);
            _pos += n;
            return span;
        }
    }
}
