using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Imaging.Stripping;

/// <summary>
/// RIFF containers, rewritten chunk by chunk with a new RIFF size. WebP keeps its image, animation,
/// alpha and <c>ICCP</c> chunks and drops <c>EXIF</c>, <c>XMP </c> and unknown chunks, clearing the
/// EXIF and XMP flags of <c>VP8X</c>. WAV keeps <c>fmt </c>, <c>fact</c> and <c>data</c> and drops the
/// rest: <c>_PMX</c> (XMP), <c>LIST</c> (INFO text, labels), <c>id3 </c>, <c>bext</c>, <c>iXML</c> and
/// the like, all of which are free text.
/// </summary>
internal static class RiffStripper
{
    private const byte Vp8xExifFlag = 0x08;
    private const byte Vp8xXmpFlag = 0x04;

    private static readonly HashSet<string> WebPChunks = ["VP8X", "VP8 ", "VP8L", "ALPH", "ANIM", "ANMF", "ICCP"];
    private static readonly HashSet<string> WavChunks = ["fmt ", "fact", "data"];

    public static OutputPlan PlanWebP(SourceReader reader)
    {
        var (plan, kept) = Rewrite(reader, "WEBP", WebPChunks);
        if (!kept.Any(c => c.Type is "VP8 " or "VP8L" or "ANMF"))
        {
            throw StrippingException.Unreadable("the WebP has no image");
        }

        return plan;
    }

    public static OutputPlan PlanWav(SourceReader reader)
    {
        var (plan, kept) = Rewrite(reader, "WAVE", WavChunks);
        if (!kept.Any(c => c.Type == "fmt ") || !kept.Any(c => c.Type == "data"))
        {
            throw StrippingException.Unreadable("the WAV has no format or no audio data");
        }

        return plan;
    }

    /// <summary>Reads the 12-byte RIFF header of form <paramref name="form"/>; returns where the RIFF form ends.</summary>
    internal static long ReadHeader(SourceReader reader, string form)
    {
        Span<byte> header = stackalloc byte[12];
        reader.Read(header, "the RIFF header");
        if (!header.StartsWith("RIFF"u8) || Encoding.Latin1.GetString(header[8..]) != form)
        {
            throw StrippingException.Unreadable($"the content is not a RIFF {form.Trim()} file");
        }

        var riffEnd = 8L + BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        return riffEnd <= reader.Length ? riffEnd : throw StrippingException.Unreadable("the RIFF file is truncated");
    }

    private static (OutputPlan Plan, List<Chunk> Kept) Rewrite(SourceReader reader, string form, HashSet<string> keep)
    {
        var riffEnd = ReadHeader(reader, form);
        Span<byte> header = stackalloc byte[8];
        var kept = new List<Chunk>();
        var position = 12L;
        while (riffEnd - position >= 8)
        {
            reader.Seek(position);
            reader.Read(header[..8], "a RIFF chunk header");
            var type = Encoding.Latin1.GetString(header[..4]);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (size > riffEnd - position - 8)
            {
                throw StrippingException.Unreadable($"RIFF chunk '{Printable(type)}' runs past the end of the file");
            }

            if (kept.Count > 100_000)
            {
                throw StrippingException.Unreadable("the RIFF file has too many chunks");
            }

            var end = Math.Min(position + 8 + size + (size & 1), riffEnd); // a final pad byte may be missing
            if (keep.Contains(type))
            {
                kept.Add(new Chunk(type, position, 8 + size, end - position));
            }

            position = end;
        }

        var plan = new OutputPlan();
        var body = kept.Sum(c => c.Length + (c.Length & 1));
        var riff = new byte[12];
        "RIFF"u8.CopyTo(riff);
        BinaryPrimitives.WriteUInt32LittleEndian(riff.AsSpan(4), (uint)(4 + body));
        Encoding.Latin1.GetBytes(form).CopyTo(riff, 8);
        plan.Write(riff);
        foreach (var chunk in kept)
        {
            if (chunk.Type == "VP8X")
            {
                plan.Write(Vp8x(reader, chunk));
            }
            else
            {
                plan.Copy(chunk.Start, chunk.Stored);
                if ((chunk.Stored & 1) == 1)
                {
                    plan.Zeros(1);
                }
            }
        }

        return (plan, kept);
    }

    private static byte[] Vp8x(SourceReader reader, Chunk chunk)
    {
        reader.Seek(chunk.Start);
        var bytes = reader.ReadBytes(chunk.Stored, "the VP8X chunk");
        if (bytes.Length < 9)
        {
            throw StrippingException.Unreadable("the WebP VP8X chunk is truncated");
        }

        bytes[8] &= unchecked((byte)~(Vp8xExifFlag | Vp8xXmpFlag));
        return (bytes.Length & 1) == 1 ? [.. bytes, 0] : bytes;
    }

    private static string Printable(string type) => string.Concat(type.Select(c => c is >= ' ' and <= '~' ? c : '?'));

    /// <summary>A chunk to keep: its type, start, declared length with header, and bytes present in the file.</summary>
    private sealed record Chunk(string Type, long Start, long Length, long Stored);
}
