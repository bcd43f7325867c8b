using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>
/// RIFF containers: WebP (<c>EXIF</c> and <c>XMP </c> chunks) and WAV (<c>_PMX</c>, the XMP chunk); the
/// text of <c>LIST/INFO</c> chunks goes to the safety net. Other chunks (image and sound data) are skipped
/// by seeking.
/// </summary>
/// <remarks>
/// Walked here rather than with MetadataExtractor's RIFF reader, which refuses a file whose RIFF header
/// gives a size other than its chunks' (cameras write such WAV files, and exiftool reads them): the
/// chunks are walked to the end of the file, and only a chunk that runs past it is damage.
/// </remarks>
internal static class RiffTagReader
{
    private const int MaxChunks = 100_000;

    public static void ReadWebP(Stream stream, TagCollector tags) => Read(stream, tags);

    public static void ReadWav(Stream stream, TagCollector tags) => Read(stream, tags);

    private static void Read(Stream stream, TagCollector tags)
    {
        Span<byte> header = stackalloc byte[8];
        stream.Position = 12; // "RIFF", size, form type
        for (var i = 0; i < MaxChunks; i++)
        {
            if (stream.Length - stream.Position < 8)
            {
                return; // the end, or a pad byte or two
            }

            stream.ReadExactlyOrThrow(header, "a RIFF chunk header");
            var fourCc = Encoding.Latin1.GetString(header[..4]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (size > stream.Length - stream.Position)
            {
                throw new UnreadableMetadataException($"RIFF chunk '{IsoBoxReader.Printable(fourCc)}' runs past the end of the file");
            }

            var next = stream.Position + size + (size % 2);
            switch (fourCc)
            {
                case "EXIF":
                    var exif = stream.ReadBlock(size, "RIFF EXIF chunk", tags);
                    ExifTagReader.Read(exif.AsSpan().StartsWith("Exif\0\0"u8) ? exif[6..] : exif, "RIFF EXIF chunk", tags);
                    break;
                case "XMP " or "_PMX":
                    XmpPacketReader.Read(stream.ReadBlock(size, $"RIFF {fourCc} chunk", tags), $"RIFF {fourCc.Trim()} chunk", tags);
                    break;
                case "LIST" when tags.ExaminesText && size <= 64 * 1024:
                    var list = stream.ReadBlock(size, "RIFF LIST chunk", tags);
                    if (list.AsSpan().StartsWith("INFO"u8))
                    {
                        tags.Examined(Encoding.Latin1.GetString(list, 4, list.Length - 4), "the RIFF LIST/INFO chunk");
                    }

                    break;
                default:
                    break;
            }

            stream.Position = Math.Min(next, stream.Length);
        }

        throw new UnreadableMetadataException("the RIFF file has too many chunks");
    }
}
