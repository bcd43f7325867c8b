using MetadataExtractor.IO;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>
/// An indexed reader over one region of the file (the TIFF structure of a JPEG's EXIF segment) that
/// reads the region in small pages, only where the TIFF reader looks: the IFDs and their values, never
/// the thumbnail image or the maker notes that fill most of a camera's EXIF segment.
/// </summary>
/// <remarks>
/// MetadataExtractor's readers take either a byte array (the whole segment read first) or a seeking
/// reader (a seek and a read per field, unbounded by the segment); this one is bounded by the segment
/// and reads each page once.
/// </remarks>
internal sealed class PagedSegmentReader : IndexedReader
{
    private readonly Pages _pages;
    private readonly int _baseOffset;

    public PagedSegmentReader(Stream stream, long start, int length)
        : this(new Pages(stream, start, length), 0, isMotorolaByteOrder: true)
    {
    }

    private PagedSegmentReader(Pages pages, int baseOffset, bool isMotorolaByteOrder)
        : base(isMotorolaByteOrder)
    {
        _pages = pages;
        _baseOffset = baseOffset;
    }

    public override long Length => _pages.Length - _baseOffset;

    public override int ToUnshiftedOffset(int localOffset) => localOffset + _baseOffset;

    public override IndexedReader WithByteOrder(bool isMotorolaByteOrder) =>
        isMotorolaByteOrder == IsMotorolaByteOrder ? this : new PagedSegmentReader(_pages, _baseOffset, isMotorolaByteOrder);

    public override IndexedReader WithShiftedBaseOffset(int shift) =>
        shift == 0 ? this : new PagedSegmentReader(_pages, _baseOffset + shift, IsMotorolaByteOrder);

    public override byte GetByte(int index)
    {
        ValidateIndex(index, 1);
        return _pages.Byte(_baseOffset + index);
    }

    public override byte[] GetBytes(int index, int count)
    {
        ValidateIndex(index, count);
        var bytes = new byte[count];
        _pages.Copy(_baseOffset + index, bytes);
        return bytes;
    }

    protected override void ValidateIndex(int index, int bytesRequested)
    {
        if (!IsValidIndex(index, bytesRequested))
        {
            throw new BufferBoundsException(index, bytesRequested, Length);
        }
    }

    protected override bool IsValidIndex(int index, int bytesRequested) =>
        bytesRequested >= 0 && index >= 0 && (long)index + bytesRequested <= Length;

    private sealed class Pages(Stream stream, long start, int length)
    {
        private const int PageSize = 1024;
        private readonly byte[] _data = new byte[length];
        private readonly bool[] _loaded = new bool[(length + PageSize - 1) / PageSize];

        public int Length => length;

        public byte Byte(int offset)
        {
            Load(offset, 1);
            return _data[offset];
        }

        public void Copy(int offset, byte[] target)
        {
            Load(offset, target.Length);
            _data.AsSpan(offset, target.Length).CopyTo(target);
        }

        private void Load(int offset, int count)
        {
            if (count == 0)
            {
                return;
            }

            var last = (offset + count - 1) / PageSize;
            for (var page = offset / PageSize; page <= last; page++)
            {
                if (_loaded[page])
                {
                    continue;
                }

                // Consecutive pages not yet read are read in one go.
                var end = page;
                while (end < last && !_loaded[end + 1])
                {
                    end++;
                }

                var from = page * PageSize;
                var to = Math.Min(length, (end + 1) * PageSize);
                stream.Position = start + from;
                stream.ReadExactlyOrThrow(_data.AsSpan(from, to - from), "the EXIF segment");
                _loaded.AsSpan(page, end - page + 1).Fill(true);
                page = end;
            }
        }
    }
}
