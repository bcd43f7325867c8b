using MetadataExtractor.IO;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>TIFF files: the IFDs are read in place through a seeking reader; image strips are never read.</summary>
internal static class TiffTagReader
{
    public static void Read(Stream stream, TagCollector tags) =>
        ExifTagReader.Read(new IndexedSeekingReader(stream, 0, isMotorolaByteOrder: true), "TIFF", tags);
}
