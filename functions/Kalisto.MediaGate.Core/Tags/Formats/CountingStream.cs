namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>A read-only view of a seekable stream that counts the bytes read through it.</summary>
internal sealed class CountingStream(Stream inner) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        BytesRead += n;
        return n;
    }

    public override int ReadByte()
    {
        var b = inner.ReadByte();
        if (b >= 0)
        {
            BytesRead++;
        }

        return b;
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Reading helpers over a seekable stream with explicit bounds.</summary>
internal static class StreamExtensions
{
    /// <summary>Reads exactly <paramref name="count"/> bytes at the current position, after checking the budget.</summary>
    public static byte[] ReadBlock(this Stream stream, long count, string what, TagCollector tags)
    {
        if (count < 0 || count > stream.Length - stream.Position)
        {
            throw new UnreadableMetadataException($"{what} runs past the end of the file");
        }

        tags.Account(count, what);
        var buffer = new byte[count];
        stream.ReadExactly(buffer);
        return buffer;
    }

    public static void ReadExactlyOrThrow(this Stream stream, Span<byte> buffer, string what)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new UnreadableMetadataException($"the file ends inside {what}", e);
        }
    }
}
