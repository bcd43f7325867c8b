using MetadataExtractor.Formats.Riff;
using MetadataExtractor.IO;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>
/// RIFF containers, read with MetadataExtractor's RIFF reader: WebP (<c>EXIF</c> and <c>XMP </c>
/// chunks) and WAV (<c>_PMX</c>, the XMP chunk).
/// </summary>
internal static class RiffTagReader
{
    public static void ReadWebP(Stream stream, TagCollector tags) => Read(stream, "WEBP", tags);

    public static void ReadWav(Stream stream, TagCollector tags) => Read(stream, "WAVE", tags);

    private static void Read(Stream stream, string identifier, TagCollector tags) =>
        new RiffReader().ProcessRiff(new SequentialStreamReader(stream, isMotorolaByteOrder: false), new Handler(identifier, tags));

    private sealed class Handler(string identifier, TagCollector tags) : IRiffHandler
    {
        public bool ShouldAcceptRiffIdentifier(string identifier1) => identifier1 == identifier;

        public bool ShouldAcceptChunk(string fourCc) => fourCc is "EXIF" or "XMP " or "_PMX";

        public bool ShouldAcceptList(string fourCc) => false;

        public void ProcessChunk(string fourCc, byte[] payload)
        {
            tags.Account(payload.Length, $"RIFF {fourCc} chunk");
            if (fourCc == "EXIF")
            {
                var tiff = payload.AsSpan().StartsWith("Exif\0\0"u8) ? payload[6..] : payload;
                ExifTagReader.Read(tiff, "RIFF EXIF chunk", tags);
            }
            else
            {
                XmpPacketReader.Read(payload, $"RIFF {fourCc.Trim()} chunk", tags);
            }
        }
    }
}
