using System.Buffers.Binary;

namespace Kalisto.MediaGate.Cli.Demo;

/// <summary>
/// Replaces the XMP packet in the top-level <c>uuid</c> box of an MP4, in place: the new packet is
/// padded to the length of the old one, so <c>mdat</c> and the chunk offsets that point into it
/// stay where they are.
/// </summary>
internal static class DemoMp4
{
    private const int BoxHeader = 8;
    private const int UuidLength = 16;

    private static readonly Guid XmpUuid = new("be7acfcb-97a9-42e8-9c71-999491e3afac");

    public static byte[] WithXmp(byte[] mp4, DemoXmp xmp)
    {
        var output = (byte[])mp4.Clone();
        var pos = 0L;
        while (pos + BoxHeader <= output.Length)
        {
            var span = output.AsSpan((int)pos);
            long size = BinaryPrimitives.ReadUInt32BigEndian(span);
            var type = span.Slice(4, 4);
            var header = BoxHeader;
            if (size == 1)
            {
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(span[8..]);
                header += 8;
            }
            else if (size == 0)
            {
                size = output.Length - pos;
            }

            if (size < header || size > output.Length - pos)
            {
                throw new InvalidOperationException("the base video has a damaged box");
            }

            if (type.SequenceEqual("uuid"u8) && size >= header + UuidLength
                && new Guid(span.Slice(header, UuidLength), bigEndian: true) == XmpUuid)
            {
                var payloadStart = header + UuidLength;
                var payloadLength = (int)size - payloadStart;
                xmp.ToPacket(payloadLength).CopyTo(span[payloadStart..]);
                return output;
            }

            pos += size;
        }

        throw new InvalidOperationException("the base video has no top-level XMP uuid box");
    }
}
