using MetadataExtractor;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.IO;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>IPTC IIM 2:25 Keywords, read with MetadataExtractor's IPTC reader.</summary>
internal static class IptcTagReader
{
    public static void Read(byte[] iim, string container, TagCollector tags)
    {
        var directory = new IptcReader().Extract(new SequentialByteArrayReader(iim, 0, isMotorolaByteOrder: true), iim.Length);
        Collect([directory], container, tags);
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
        }
    }
}
