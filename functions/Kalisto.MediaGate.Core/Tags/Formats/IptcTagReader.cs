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
