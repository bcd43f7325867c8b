using System.Buffers.Binary;
using MetadataExtractor;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.IO;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>IPTC IIM 2:25 Keywords, read with MetadataExtractor's IPTC reader.</summary>
internal static class IptcTagReader
{
    private const byte TagMarker = 0x1C;

    public static void Read(byte[] iim, string container, TagCollector tags)
    {
        var length = DatasetsLength(iim);
        if (length == 0)
        {
            return; // an empty or all-zero block holds no datasets
        }

        var directory = new IptcReader().Extract(new SequentialByteArrayReader(iim, 0, isMotorolaByteOrder: true), length);
        Collect([directory], container, tags);
    }

    /// <summary>
    /// The length of the IIM datasets at the start of <paramref name="iim"/> when nothing but zero
    /// bytes follows them, else the whole length.
    /// </summary>
    /// <remarks>
    /// Writers pad IPTC blocks with zeros: Photoshop stores TIFF tag 33723 as LONG, padded to a
    /// multiple of four bytes. MetadataExtractor's IPTC reader takes the first padding byte for a
    /// damaged dataset marker, so the datasets are measured here and the padding left out. Anything
    /// else after the datasets is passed on whole, for the IPTC reader to report as damage.
    /// </remarks>
    internal static int DatasetsLength(ReadOnlySpan<byte> iim)
    {
        var pos = 0;
        while (pos < iim.Length && iim[pos] == TagMarker)
        {
            // marker, record, dataset, 2-byte length; with the high bit set, the low 15 bits give the
            // size of an extended length field that follows (IIM 4.2, 1.5.2).
            if (pos + 5 > iim.Length)
            {
                return iim.Length;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(iim.Slice(pos + 3, 2));
            pos += 5;
            long size = length;
            if ((length & 0x8000) != 0)
            {
                var fieldSize = length & 0x7FFF;
                if (fieldSize > 4 || fieldSize > iim.Length - pos)
                {
                    return iim.Length;
                }

                size = 0;
                foreach (var b in iim.Slice(pos, fieldSize))
                {
                    size = (size << 8) | b;
                }

                pos += fieldSize;
            }

            if (size > iim.Length - pos)
            {
                return iim.Length;
            }

            pos += (int)size;
        }

        return iim[pos..].IndexOfAnyExcept((byte)0) < 0 ? pos : iim.Length;
    }

    public static void Collect(IEnumerable<IptcDirectory> directories, string container, TagCollector tags)
    {
        foreach (var directory in directories)
        {
            if (directory.HasError)
            {
                throw new UnreadableMetadataException($"IPTC in {container} is damaged: {directory.Errors.First()}");
            }

            foreach (var keyword in directory.GetStringArray(IptcDirectory.TagKeywords) ?? [])
            {
                tags.Keyword(keyword, $"IPTC 2:25 Keywords ({container})");
            }

            if (tags.ExaminesText)
            {
                // The safety net (SPEC §3.1): captions, by-lines, headlines and every other text dataset.
                foreach (var tag in directory.Tags.Where(t => t.Type != IptcDirectory.TagKeywords))
                {
                    var text = directory.GetObject(tag.Type) switch
                    {
                        StringValue s => s.ToString(),
                        string s => s,
                        StringValue[] values => string.Join(' ', values.Select(v => v.ToString())),
                        string[] values => string.Join(' ', values),
                        _ => null,
                    };
                    tags.Examined(text, $"IPTC {tag.Name} ({container})");
                }
            }
        }
    }
}
