using System.Buffers.Binary;
using System.Text;
using Kalisto.MediaGate.Imaging.Stripping;

namespace Kalisto.MediaGate.Imaging.Publishing;

/// <summary>
/// RIFF (WebP, WAV): every chunk is searched whole except the payloads of the media chunks (WebP
/// <c>VP8 </c>, <c>VP8L</c> and <c>ALPH</c>, also inside <c>ANMF</c> frames, whose other sub-chunks are
/// searched; WAV <c>data</c>), and so is whatever follows the RIFF form. A WebP <c>EXIF</c> chunk is
/// walked for a GPS pointer; an <c>ICCP</c> colour profile is searched as binary data.
/// </summary>
internal static class RiffCheck
{
    private const int MaxChunks = 100_000;

    private static readonly HashSet<string> WebPMedia = ["VP8 ", "VP8L", "ALPH"];
    private static readonly HashSet<string> WavMedia = ["data"];

    public static void CheckWebP(SourceReader reader, RangeSearch search, CancellationToken cancellationToken) =>
        Check(reader, search, "WEBP", WebPMedia, cancellationToken);

    public static void CheckWav(SourceReader reader, RangeSearch search, CancellationToken cancellationToken) =>
        Check(reader, search, "WAVE", WavMedia, cancellationToken);

    private static void Check(SourceReader reader, RangeSearch search, string form, HashSet<string> media, CancellationToken cancellationToken)
    {
        var riffEnd = RiffStripper.ReadHeader(reader, form);
        search.Add("the RIFF header", 0, 12);
        var chunks = 0;
        Chunks(reader, search, 12, riffEnd, media, form == "WEBP", ref chunks, cancellationToken);
        search.Add($"the bytes after the RIFF form at byte {riffEnd}", riffEnd, reader.Length - riffEnd);
    }

    private static void Chunks(SourceReader reader, RangeSearch search, long start, long end, HashSet<string> media, bool webP, ref int chunks, CancellationToken cancellationToken)
    {
        Span<byte> header = stackalloc byte[8];
        var position = start;
        for (; end - position >= 8; chunks++)
        {
            if (chunks > MaxChunks)
            {
                throw StrippingException.Unreadable("the RIFF file has too many chunks");
            }

            reader.Seek(position);
            reader.Read(header, "a RIFF chunk header");
            var type = Encoding.Latin1.GetString(header[..4]);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (size > end - position - 8)
            {
                throw StrippingException.Unreadable($"RIFF chunk '{IsoMediaStripper.Printable(type)}' runs past its end");
            }

            var chunkEnd = Math.Min(position + 8 + size + (size & 1), end);
            var place = $"the RIFF '{IsoMediaStripper.Printable(type)}' chunk at byte {position}";
            if (media.Contains(type))
            {
                search.Add(place, position, 8);
                search.Add(place, position + 8 + size, chunkEnd - (position + 8 + size)); // the pad byte
            }
            else if (webP && type == "ANMF" && size >= 16)
            {
                search.Add(place, position, 8 + 16); // the frame header
                Chunks(reader, search, position + 8 + 16, position + 8 + size, media, webP, ref chunks, cancellationToken);
                search.Add(place, position + 8 + size, chunkEnd - (position + 8 + size));
            }
            else
            {
                search.Add(place, position, chunkEnd - position, binary: webP && type == "ICCP");
                if (webP && type == "EXIF")
                {
                    reader.Seek(position + 8);
                    var exif = reader.ReadBytes(size, place);
                    TiffCheck.CheckExif(exif.AsSpan().StartsWith("Exif\0\0"u8) ? exif[6..] : exif, place, cancellationToken);
                }
            }

            position = chunkEnd;
        }

        search.Add("the bytes after the last RIFF chunk", position, end - position);
    }
}
