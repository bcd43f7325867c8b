using Kalisto.MediaGate.Imaging.Stripping;

namespace Kalisto.MediaGate.Imaging.Publishing;

/// <summary>
/// TIFF structures: a TIFF file is checked whole except the byte ranges its strips and tiles name (in every
/// page and SubIFD); an EXIF block, wherever a container holds one, is walked for a GPS IFD pointer
/// (tag 0x8825) in any of its directories (the IFD0 chain, SubIFDs, the Exif and Interoperability IFDs).
/// The ICC profile (tag 34675) is searched as binary data.
/// </summary>
internal static class TiffCheck
{
    public const string GpsPointer = "a GPS location (an EXIF GPS IFD pointer, tag 0x8825)";

    private const int MaxIfds = 4096;
    private const int MaxValues = 100_000;
    private const int MaxDepth = 4;
    private const ushort GpsIfdTag = 0x8825;
    private const ushort SubIfdsTag = 330;
    private const ushort ExifIfdTag = 34665;
    private const ushort InteroperabilityIfdTag = 40965;
    private const ushort IccProfileTag = 34675;

    public static void Check(SourceReader reader, RangeSearch search)
    {
        var layout = Layout.Read(reader, collectImageData: true);
        if (layout.GpsDirectory is { } gps)
        {
            throw RangeSearch.Found(GpsPointer, gps);
        }

        // The directories and values first, each under its own name; then everything outside the image data,
        // so bytes that a crafted file declares as both a value and a strip are searched all the same.
        foreach (var (place, start, length, binary) in layout.Structures)
        {
            search.Add(place, start, length, binary);
        }

        // The colour profile was searched above as binary data; the gaps leave it out with the image data.
        var position = 0L;
        var excluded = layout.ImageData.Concat(layout.Structures.Where(s => s.Binary).Select(s => (s.Start, s.Start + s.Length))).ToList();
        foreach (var (start, end) in Merged(excluded))
        {
            search.Add($"the TIFF bytes outside the image data at byte {position}", position, start - position);
            position = Math.Max(position, end);
        }

        search.Add($"the TIFF bytes outside the image data at byte {position}", position, reader.Length - position);
    }

    /// <summary>Refuses an EXIF block (a TIFF structure from its header on) that points to a GPS IFD.</summary>
    public static void CheckExif(byte[] tiff, string place, CancellationToken cancellationToken)
    {
        Layout layout;
        try
        {
            layout = Layout.Read(new SourceReader(new MemoryStream(tiff, writable: false), cancellationToken), collectImageData: false);
        }
        catch (StrippingException e)
        {
            throw StrippingException.Unreadable($"the EXIF block in {place} is damaged ({e.Message})");
        }

        if (layout.GpsDirectory is not null)
        {
            throw RangeSearch.Found(GpsPointer, $"the EXIF block in {place}");
        }
    }

    private static List<(long Start, long End)> Merged(List<(long Start, long End)> ranges)
    {
        var merged = new List<(long Start, long End)>();
        foreach (var range in ranges.Where(r => r.End > r.Start).OrderBy(r => r.Start))
        {
            if (merged.Count > 0 && range.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, range.End));
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }

    private sealed class Layout
    {
        private readonly SourceReader _reader;
        private readonly bool _collectImageData;
        private readonly HashSet<long> _visited = [];
        private bool _bigEndian;

        private Layout(SourceReader reader, bool collectImageData)
        {
            _reader = reader;
            _collectImageData = collectImageData;
        }

        /// <summary>Where a GPS IFD pointer was found, or null.</summary>
        public string? GpsDirectory { get; private set; }

        public List<(long Start, long End)> ImageData { get; } = [];

        public List<(string Place, long Start, long Length, bool Binary)> Structures { get; } = [];

        public static Layout Read(SourceReader reader, bool collectImageData)
        {
            Span<byte> header = stackalloc byte[8];
            reader.Read(header, "the TIFF header");
            var layout = new Layout(reader, collectImageData);
            if (header.StartsWith("MM\0*"u8))
            {
                layout._bigEndian = true;
            }
            else if (header.StartsWith("MM\0+"u8) || header.StartsWith("II+\0"u8))
            {
                throw StrippingException.Unsupported("BigTIFF is not supported");
            }
            else if (!header.StartsWith("II*\0"u8))
            {
                throw StrippingException.Unreadable("the TIFF header is damaged");
            }

            layout.Chain(Tiff.U32(header[4..], layout._bigEndian), "IFD", 0, pages: true);
            return layout;
        }

        private void Chain(long offset, string name, int depth, bool pages)
        {
            for (var index = 0; offset != 0; index++)
            {
                offset = Directory(offset, pages ? $"{name} {index}" : name, depth, pages);
                if (!pages)
                {
                    return; // the Exif and Interoperability IFDs have no pages after them
                }
            }
        }

        /// <summary>Reads one directory; returns the offset of the next one in its chain.</summary>
        private long Directory(long offset, string name, int depth, bool pages)
        {
            if (!_visited.Add(offset) || _visited.Count > MaxIfds)
            {
                throw StrippingException.Unreadable("the TIFF directories form a loop or are too many");
            }

            if (offset < 8 || offset > _reader.Length - 2)
            {
                throw StrippingException.Unreadable("a TIFF directory lies outside the file");
            }

            _reader.Seek(offset);
            Span<byte> two = stackalloc byte[2];
            _reader.Read(two, "a TIFF directory");
            var count = Tiff.U16(two, _bigEndian);
            var table = _reader.ReadBytes((12L * count) + 4, "a TIFF directory");
            Structures.Add(($"TIFF {name}", offset, 2 + table.Length, false));
            var values = new Dictionary<ushort, List<long>>();
            for (var i = 0; i < count; i++)
            {
                var entry = table.AsSpan(12 * i, 12);
                var tag = Tiff.U16(entry, _bigEndian);
                var type = Tiff.U16(entry[2..], _bigEndian);
                var valueCount = Tiff.U32(entry[4..], _bigEndian);
                if (tag == GpsIfdTag)
                {
                    GpsDirectory ??= $"TIFF {name}";
                }

                var size = TypeSize(type);
                if (size == 0)
                {
                    continue; // an unknown type: its bytes, wherever they are, are searched with the rest
                }

                var byteCount = size * (long)valueCount;
                var valueOffset = byteCount <= 4 ? offset + 2 + (12L * i) + 8 : Tiff.U32(entry[8..], _bigEndian);
                if (valueOffset + byteCount > _reader.Length)
                {
                    throw StrippingException.Unreadable($"TIFF tag {tag} lies outside the file");
                }

                if (byteCount > 4)
                {
                    if (Structures.Count > MaxValues)
                    {
                        throw StrippingException.Unreadable("the TIFF has too many tag values");
                    }

                    Structures.Add(($"the value of TIFF tag {tag} in {name}", valueOffset, byteCount, tag == IccProfileTag));
                }

                if (tag is SubIfdsTag or ExifIfdTag or InteroperabilityIfdTag || (_collectImageData && pages && tag is 273 or 279 or 324 or 325))
                {
                    values[tag] = Numbers(tag, type, valueOffset, byteCount);
                }
            }

            if (_collectImageData && pages)
            {
                AddImageData(values, 273, 279);
                AddImageData(values, 324, 325);
            }

            if (depth < MaxDepth)
            {
                foreach (var sub in values.GetValueOrDefault(SubIfdsTag) ?? [])
                {
                    Chain(sub, $"a SubIFD of {name}", depth + 1, pages);
                }

                foreach (var exif in values.GetValueOrDefault(ExifIfdTag) ?? [])
                {
                    Chain(exif, $"the Exif IFD of {name}", depth + 1, pages: false);
                }

                foreach (var interoperability in values.GetValueOrDefault(InteroperabilityIfdTag) ?? [])
                {
                    Chain(interoperability, $"the Interoperability IFD of {name}", depth + 1, pages: false);
                }
            }

            return Tiff.U32(table.AsSpan(12 * count), _bigEndian);
        }

        private void AddImageData(Dictionary<ushort, List<long>> values, ushort offsetsTag, ushort countsTag)
        {
            var offsets = values.GetValueOrDefault(offsetsTag);
            var counts = values.GetValueOrDefault(countsTag);
            if (offsets is null || counts is null)
            {
                return;
            }

            if (offsets.Count != counts.Count)
            {
                throw StrippingException.Unreadable("the TIFF image data table is damaged");
            }

            for (var i = 0; i < offsets.Count; i++)
            {
                if (offsets[i] + counts[i] > _reader.Length)
                {
                    throw StrippingException.Unreadable("the TIFF image data runs past the end of the file");
                }

                ImageData.Add((offsets[i], offsets[i] + counts[i]));
            }
        }

        /// <summary>The SHORT, LONG or IFD values of a tag.</summary>
        private List<long> Numbers(ushort tag, ushort type, long offset, long byteCount)
        {
            if (type is not (3 or 4 or 13))
            {
                throw StrippingException.Unreadable($"TIFF tag {tag} has an unexpected type");
            }

            _reader.Seek(offset);
            var bytes = _reader.ReadBytes(byteCount, $"TIFF tag {tag}");
            var size = type == 3 ? 2 : 4;
            var result = new List<long>(bytes.Length / size);
            for (var i = 0; i + size <= bytes.Length; i += size)
            {
                result.Add(size == 2 ? Tiff.U16(bytes.AsSpan(i), _bigEndian) : Tiff.U32(bytes.AsSpan(i), _bigEndian));
            }

            return result;
        }

        private static int TypeSize(ushort type) => type switch
        {
            1 or 2 or 6 or 7 => 1,
            3 or 8 => 2,
            4 or 9 or 11 or 13 => 4,
            5 or 10 or 12 => 8,
            _ => 0,
        };
    }
}
