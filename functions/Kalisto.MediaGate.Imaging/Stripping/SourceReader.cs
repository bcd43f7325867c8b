using System.Buffers.Binary;

namespace Kalisto.MediaGate.Imaging.Stripping;

/// <summary>
/// Reads the source by absolute position through one fixed buffer, so walking segments, chunks and
/// sub-blocks costs few calls on the underlying stream and memory stays bounded whatever the file size.
/// Every structural problem (a read past the end, a structure larger than the budget) is a
/// <see cref="StrippingException"/>.
/// </summary>
internal sealed class SourceReader
{
    /// <summary>Most bytes of structure (headers, IFDs, item tables) held in memory for one file.</summary>
    public const long MaxStructureBytes = 32L * 1024 * 1024;

    private readonly Stream _stream;
    private readonly CancellationToken _cancellationToken;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private long _bufferStart;
    private int _bufferLength;
    private int _index;
    private long _structureBytes;

    public SourceReader(Stream stream, CancellationToken cancellationToken)
    {
        _stream = stream;
        _cancellationToken = cancellationToken;
        Length = stream.Length;
    }

    public long Length { get; }

    public long Position => _bufferStart + _index;

    public long Remaining => Length - Position;

    public void Seek(long position)
    {
        if (position < 0 || position > Length)
        {
            throw StrippingException.Unreadable("a structure points outside the file");
        }

        if (position >= _bufferStart && position <= _bufferStart + _bufferLength)
        {
            _index = (int)(position - _bufferStart);
            return;
        }

        _bufferStart = position;
        _bufferLength = 0;
        _index = 0;
    }

    public void Skip(long count, string what)
    {
        if (count < 0 || count > Remaining)
        {
            throw StrippingException.Unreadable($"the file ends inside {what}");
        }

        Seek(Position + count);
    }

    /// <summary>The next byte, or -1 at the end of the file.</summary>
    public int ReadByte()
    {
        if (_index == _bufferLength && !Fill())
        {
            return -1;
        }

        return _buffer[_index++];
    }

    public byte Byte(string what)
    {
        var b = ReadByte();
        return b < 0 ? throw StrippingException.Unreadable($"the file ends inside {what}") : (byte)b;
    }

    /// <summary>Moves to the next <paramref name="value"/> byte (reading it); false at the end of the file.</summary>
    public bool SkipPast(byte value)
    {
        while (true)
        {
            if (_index == _bufferLength && !Fill())
            {
                return false;
            }

            var found = _buffer.AsSpan(_index, _bufferLength - _index).IndexOf(value);
            if (found >= 0)
            {
                _index += found + 1;
                return true;
            }

            _index = _bufferLength;
        }
    }

    public void Read(Span<byte> destination, string what)
    {
        if (destination.Length > Remaining)
        {
            throw StrippingException.Unreadable($"the file ends inside {what}");
        }

        while (!destination.IsEmpty)
        {
            if (_index == _bufferLength && !Fill())
            {
                throw StrippingException.Unreadable($"the file ends inside {what}");
            }

            var n = Math.Min(destination.Length, _bufferLength - _index);
            _buffer.AsSpan(_index, n).CopyTo(destination);
            _index += n;
            destination = destination[n..];
        }
    }

    /// <summary>Reads a structure into memory, counting it against <see cref="MaxStructureBytes"/>.</summary>
    public byte[] ReadBytes(long count, string what)
    {
        if (count < 0 || count > Remaining)
        {
            throw StrippingException.Unreadable($"the file ends inside {what}");
        }

        _structureBytes += count;
        if (_structureBytes > MaxStructureBytes)
        {
            throw StrippingException.TooLarge($"the metadata structures are larger than {MaxStructureBytes / (1024 * 1024)} MB");
        }

        var bytes = new byte[count];
        Read(bytes, what);
        return bytes;
    }

    public ushort U16BigEndian(string what)
    {
        Span<byte> b = stackalloc byte[2];
        Read(b, what);
        return BinaryPrimitives.ReadUInt16BigEndian(b);
    }

    public uint U32BigEndian(string what)
    {
        Span<byte> b = stackalloc byte[4];
        Read(b, what);
        return BinaryPrimitives.ReadUInt32BigEndian(b);
    }

    private bool Fill()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        _bufferStart += _bufferLength;
        _index = 0;
        _bufferLength = 0;
        if (_bufferStart >= Length)
        {
            return false;
        }

        _stream.Position = _bufferStart;
        _bufferLength = _stream.ReadAtLeast(_buffer, (int)Math.Min(_buffer.Length, Length - _bufferStart), throwOnEndOfStream: false);
        return _bufferLength > 0;
    }
}
