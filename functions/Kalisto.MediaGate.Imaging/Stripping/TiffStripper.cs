using System.Buffers.Binary;

namespace Kalisto.MediaGate.Imaging.Stripping;

/// <summary>
/// TIFF: every page's IFD (the IFD0 chain and SubIFDs) is rewritten in place to keep only the tags that
/// describe the image (an allow-list: geometry, compression, strips and tiles, colour, resolution,
/// orientation, the ICC profile). Dropped are, among others, XMP (700), IPTC (33723), Photoshop (34377),
/// ImageDescription/Artist/Copyright (270/315/33432), the XP tags and every private tag; the Exif, GPS and
/// Interoperability IFDs (with maker notes and user comments) are dropped whole. The value bytes of
/// everything dropped are overwritten with zeros; strips and tiles are not touched and no offset moves.
/// </summary>
/// <remarks>BigTIFF is refused: no MediaGate source writes it and its 8-byte offsets need their own walk.</remarks>
internal static class TiffStripper
{
    private const int MaxIfds = 4096;
    private const int MaxDepth = 4;
    private const ushort SubIfdsTag = 330;

    private static readonly HashSet<ushort> ImageTags =
    [
        254, 255, 256, 257, 258, 259, 262, 263, 264, 265, 266, 273, 274, 277, 278, 279, 280, 281, 282, 283,
        284, 290, 291, 292, 293, 296, 297, 301, 317, 318, 319, 320, 321, 322, 323, 324, 325, 332, 334, 336,
        338, 339, 340, 341, 342, 347, 512, 513, 514, 515, 517, 518, 519, 520, 521, 529, 530, 531, 532,
        34675, // ICC profile
    ];

    /// <summary>Tags whose value is the offset of a further IFD that is dropped whole.</summary>
    private static readonly HashSet<ushort> DroppedIfdTags =
    [
        34665, // Exif IFD
        34853, // GPS IFD
        40965, // Interoperability IFD
    ];

    public static OutputPlan Plan(SourceReader reader)
    {
        Span<byte> header = stackalloc byte[8];
        reader.Read(header, "the TIFF header");
        bool bigEndian;
        if (header.StartsWith("MM\0*"u8))
        {
            bigEndian = true;
        }
        else if (header.StartsWith("II*\0"u8))
        {
            bigEndian = false;
        }
        else if (header.StartsWith("MM\0+"u8) || header.StartsWith("II+\0"u8))
        {
            throw StrippingException.Unsupported("BigTIFF files are not supported");
        }
        else
        {
            throw StrippingException.Unreadable("the content is not a TIFF file");
        }

        var walk = new Walk(reader, bigEndian);
        var offset = (long)Tiff.U32(header[4..], bigEndian);
        if (offset == 0)
        {
            throw StrippingException.Unreadable("the TIFF has no image");
        }

        walk.KeepChain(offset, 0);
        return OutputPlan.Patched(reader.Length, walk.Patches);
    }

    private sealed class Walk(SourceReader reader, bool bigEndian)
    {
        private readonly HashSet<long> _visited = [];

        public PatchSet Patches { get; } = new();

        /// <summary>A chain of page IFDs: each is rewritten with the image tags only.</summary>
        public void KeepChain(long offset, int depth)
        {
            while (offset != 0)
            {
                offset = KeepIfd(offset, depth);
            }
        }

        private long KeepIfd(long offset, int depth)
        {
            var ifd = Read(offset);
            var kept = new List<Entry>();
            foreach (var entry in ifd.Entries)
            {
                if (ImageTags.Contains(entry.Tag) || (entry.Tag == SubIfdsTag && depth < MaxDepth))
                {
                    if (entry.ByteCount > 4 && entry.ValueOffset + entry.ByteCount > reader.Length)
                    {
                        throw StrippingException.Unreadable($"TIFF tag {entry.Tag} lies outside the file");
                    }

                    kept.Add(entry);
                }
                else
                {
                    Drop(entry, depth);
                }
            }

            CheckImageData(kept, 273, 279); // strips
            CheckImageData(kept, 324, 325); // tiles
            var table = new byte[ifd.Size];
            WriteU16(table, (ushort)kept.Count);
            for (var i = 0; i < kept.Count; i++)
            {
                kept[i].Raw.Span.CopyTo(table.AsSpan(2 + (12 * i)));
            }

            WriteU32(table.AsSpan(2 + (12 * kept.Count)), (uint)ifd.Next);
            Patches.Write(offset, table);

            foreach (var subIfds in kept.Where(e => e.Tag == SubIfdsTag))
            {
                foreach (var sub in Offsets(subIfds))
                {
                    KeepChain(sub, depth + 1);
                }
            }

            return ifd.Next;
        }

        /// <summary>A truncated file fails here rather than giving a copy without all of its image data.</summary>
        private void CheckImageData(List<Entry> kept, ushort offsetsTag, ushort countsTag)
        {
            var offsets = kept.FirstOrDefault(e => e.Tag == offsetsTag);
            var counts = kept.FirstOrDefault(e => e.Tag == countsTag);
            if (offsets is null || counts is null)
            {
                return;
            }

            var starts = Values(offsets);
            var lengths = Values(counts);
            if (starts.Count != lengths.Count)
            {
                throw StrippingException.Unreadable("the TIFF image data table is damaged");
            }

            for (var i = 0; i < starts.Count; i++)
            {
                if (starts[i] + lengths[i] > reader.Length)
                {
                    throw StrippingException.Unreadable("the TIFF image data runs past the end of the file");
                }
            }
        }

        /// <summary>The SHORT or LONG values of a tag.</summary>
        private List<long> Values(Entry entry)
        {
            if (entry.Type is not (3 or 4))
            {
                throw StrippingException.Unreadable($"TIFF tag {entry.Tag} has an unexpected type");
            }

            reader.Seek(entry.ValueOffset);
            var bytes = reader.ReadBytes(entry.ByteCount, $"TIFF tag {entry.Tag}");
            var size = entry.Type == 3 ? 2 : 4;
            var result = new List<long>(bytes.Length / size);
            for (var i = 0; i + size <= bytes.Length; i += size)
            {
                result.Add(size == 2 ? Tiff.U16(bytes.AsSpan(i), bigEndian) : Tiff.U32(bytes.AsSpan(i), bigEndian));
            }

            return result;
        }

        /// <summary>Zeroes a dropped tag's value; a dropped IFD is zeroed with everything it points to.</summary>
        private void Drop(Entry entry, int depth)
        {
            if (entry.ByteCount < 0)
            {
                throw StrippingException.Unreadable($"TIFF tag {entry.Tag} has an unknown type");
            }

            if (entry.ByteCount > 4)
            {
                if (entry.ValueOffset + entry.ByteCount > reader.Length)
                {
                    throw StrippingException.Unreadable($"TIFF tag {entry.Tag} lies outside the file");
                }

                Patches.Zero(entry.ValueOffset, entry.ByteCount);
            }

            if ((DroppedIfdTags.Contains(entry.Tag) || entry.Tag == SubIfdsTag) && depth < MaxDepth)
            {
                foreach (var offset in Offsets(entry))
                {
                    ZeroIfd(offset, depth + 1);
                }
            }
        }

        private void ZeroIfd(long offset, int depth)
        {
            if (offset == 0 || _visited.Contains(offset))
            {
                return;
            }

            var ifd = Read(offset);
            foreach (var entry in ifd.Entries)
            {
                Drop(entry, depth);
            }

            Patches.Zero(offset, ifd.Size);
        }

        private Ifd Read(long offset)
        {
            if (!_visited.Add(offset))
            {
                throw StrippingException.Unreadable("the TIFF directories form a loop");
            }

            if (_visited.Count > MaxIfds)
            {
                throw StrippingException.Unreadable("the TIFF has too many directories");
            }

            if (offset < 8 || offset > reader.Length - 2)
            {
                throw StrippingException.Unreadable("a TIFF directory lies outside the file");
            }

            reader.Seek(offset);
            Span<byte> two = stackalloc byte[2];
            reader.Read(two, "a TIFF directory");
            var count = Tiff.U16(two, bigEndian);
            var table = reader.ReadBytes((12L * count) + 4, "a TIFF directory");
            var entries = new List<Entry>(count);
            for (var i = 0; i < count; i++)
            {
                var raw = table.AsMemory(12 * i, 12);
                var span = raw.Span;
                var type = Tiff.U16(span[2..], bigEndian);
                var valueCount = Tiff.U32(span[4..], bigEndian);
                var byteCount = TypeSize(type) is var size and > 0 ? size * (long)valueCount : -1;
                var valueOffset = byteCount is >= 0 and <= 4 ? offset + 2 + (12L * i) + 8 : Tiff.U32(span[8..], bigEndian);
                entries.Add(new Entry(Tiff.U16(span, bigEndian), type, valueCount, byteCount, valueOffset, raw));
            }

            return new Ifd(entries, Tiff.U32(table.AsSpan(12 * count), bigEndian), 2 + table.Length);
        }

        /// <summary>The IFD offsets held by a pointer tag (LONG or IFD values).</summary>
        private List<long> Offsets(Entry entry)
        {
            if (entry.Type is not (4 or 13) || entry.Count > MaxIfds)
            {
                throw StrippingException.Unreadable($"TIFF tag {entry.Tag} is not a valid directory pointer");
            }

            reader.Seek(entry.ValueOffset);
            var bytes = reader.ReadBytes(entry.ByteCount, "a TIFF directory pointer");
            var result = new List<long>();
            for (var i = 0; i + 4 <= bytes.Length; i += 4)
            {
                result.Add(Tiff.U32(bytes.AsSpan(i), bigEndian));
            }

            return result;
        }

        private void WriteU16(Span<byte> span, ushort value)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(span, value);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(span, value);
            }
        }

        private void WriteU32(Span<byte> span, uint value)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(span, value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span, value);
            }
        }

        private static int TypeSize(ushort type) => type switch
        {
            1 or 2 or 6 or 7 => 1, // BYTE, ASCII, SBYTE, UNDEFINED
            3 or 8 => 2, // SHORT, SSHORT
            4 or 9 or 11 or 13 => 4, // LONG, SLONG, FLOAT, IFD
            5 or 10 or 12 => 8, // RATIONAL, SRATIONAL, DOUBLE
            _ => -1,
        };
    }

    private sealed record Ifd(List<Entry> Entries, long Next, long Size);

    private sealed record Entry(ushort Tag, ushort Type, uint Count, long ByteCount, long ValueOffset, ReadOnlyMemory<byte> Raw);
}

/// <summary>Byte-order aware reads of TIFF structures, and the orientation that EXIF blocks keep.</summary>
internal static class Tiff
{
    private const int OrientationTag = 274;

    /// <summary>The orientation (1–8) in IFD0 of a TIFF block, if it has one.</summary>
    public static int? Orientation(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
        {
            return null;
        }

        bool bigEndian;
        if (tiff.StartsWith("MM\0*"u8))
        {
            bigEndian = true;
        }
        else if (tiff.StartsWith("II*\0"u8))
        {
            bigEndian = false;
        }
        else
        {
            return null;
        }

        var ifd = U32(tiff[4..], bigEndian);
        if (ifd > tiff.Length - 2)
        {
            return null;
        }

        var count = U16(tiff[(int)ifd..], bigEndian);
        for (var i = 0; i < count; i++)
        {
            var entry = (int)ifd + 2 + (12 * i);
            if (entry + 12 > tiff.Length)
            {
                return null;
            }

            if (U16(tiff[entry..], bigEndian) == OrientationTag && U16(tiff[(entry + 2)..], bigEndian) == 3)
            {
                var value = U16(tiff[(entry + 8)..], bigEndian);
                return value is >= 1 and <= 8 ? value : null;
            }
        }

        return null;
    }

    /// <summary>A big-endian TIFF block whose one IFD0 holds only <paramref name="orientation"/>: no other tag, no thumbnail.</summary>
    public static byte[] OrientationOnly(int orientation)
    {
        byte[] tiff = [.. "MM\0*"u8, 0, 0, 0, 8, 0, 1, .. new byte[12 + 4]];
        var entry = tiff.AsSpan(10);
        BinaryPrimitives.WriteUInt16BigEndian(entry, OrientationTag);
        BinaryPrimitives.WriteUInt16BigEndian(entry[2..], 3); // SHORT
        BinaryPrimitives.WriteUInt32BigEndian(entry[4..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(entry[8..], (ushort)orientation);
        return tiff; // the next-IFD offset (last four bytes) stays 0
    }

    public static ushort U16(ReadOnlySpan<byte> span, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);

    public static uint U32(ReadOnlySpan<byte> span, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);
}
