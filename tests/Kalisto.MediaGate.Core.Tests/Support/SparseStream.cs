namespace Kalisto.MediaGate.Tests.Support;

/// <summary>
/// A seekable stream made of real byte parts and long runs of zeros that take no memory, so a
/// 100 MB file costs a few kilobytes. It counts every byte it hands out.
/// </summary>
internal sealed class SparseStream : Stream
{
    private readonly List<(long Start, long Length, byte[]? Bytes)> _parts = [];
    private long _position;
    private long _length;

    public SparseStream Bytes(byte[] bytes)
    {
        _parts.Add((_length, bytes.Length, bytes));
        _length += bytes.Length;
        return this;
    }

    public SparseStream Zeros(long count)
    {
        _parts.Add((_length, count, null));
        _length += count;
        return this;
    }

    public long BytesServed { get; private set; }

    public override long Length => _length;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Position
    {
        get => _position;
        set => _position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length && _position < Length)
        {
            var part = _parts.Last(p => p.Start <= _position);
            var inPart = _position - part.Start;
            var n = (int)Math.Min(buffer.Length - total, part.Length - inPart);
            if (part.Bytes is null)
            {
                buffer.Slice(total, n).Clear();
            }
            else
            {
                part.Bytes.AsSpan((int)inPart, n).CopyTo(buffer[total..]);
            }

            total += n;
            _position += n;
        }

        BytesServed += total;
        return total;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
