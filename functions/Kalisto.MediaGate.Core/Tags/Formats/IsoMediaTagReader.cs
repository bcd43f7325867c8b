using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>
/// MP4, MOV, M4V, 3GP and M4A: XMP in <c>uuid</c> boxes (top level, in <c>moov</c> and in its tracks), in
/// <c>XMP_</c> boxes (in <c>moov</c>, <c>udta</c> and <c>trak</c>), and the QuickTime <c>meta</c> keys
/// <c>com.apple.quicktime.keywords</c>. (The media boxes below a track are not walked: no writer puts
/// tags there, and the stripper blanks such boxes at every depth anyway.)
/// Only the boxes on the way to those are read; <c>mdat</c> is skipped by seeking.
/// </summary>
internal static class IsoMediaTagReader
{
    private const int MaxDepth = 8;
    private const string KeywordsKey = "com.apple.quicktime.keywords";
    private static readonly Guid XmpUuid = new("be7acfcb-97a9-42e8-9c71-999491e3afac");

    public static void Read(Stream stream, TagCollector tags)
    {
        var budget = new IsoBudget();
        foreach (var box in IsoBoxReader.TopLevel(stream, budget).ToList())
        {
            switch (box.Type)
            {
                case "moov":
                    Container(stream, box, "moov", 1, budget, tags);
                    break;
                case "uuid":
                    Uuid(stream, box, tags);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>An XMP <c>uuid</c> box (top level, or inside <c>moov</c> and <c>trak</c>), shared with HEIF.</summary>
    public static void Uuid(Stream stream, IsoBox box, TagCollector tags, string where = "uuid box")
    {
        if (box.PayloadSize < 16)
        {
            return;
        }

        Span<byte> id = stackalloc byte[16];
        stream.Position = box.PayloadStart;
        stream.ReadExactlyOrThrow(id, "a uuid box");
        if (new Guid(id, bigEndian: true) == XmpUuid)
        {
            XmpPacketReader.Read(IsoBoxReader.Payload(stream, box, tags, 16), where, tags);
        }
    }

    private static void Container(Stream stream, IsoBox parent, string path, int depth, IsoBudget budget, TagCollector tags)
    {
        if (depth > MaxDepth)
        {
            throw new UnreadableMetadataException($"boxes under {path} are nested too deeply");
        }

        foreach (var box in IsoBoxReader.Children(stream, parent, budget).ToList())
        {
            var here = $"{path}/{IsoBoxReader.Printable(box.Type)}";
            switch (box.Type)
            {
                case "udta" or "trak":
                    Container(stream, box, here, depth + 1, budget, tags);
                    break;
                case "XMP_":
                    XmpPacketReader.Read(IsoBoxReader.Payload(stream, box, tags), here, tags);
                    break;
                case "uuid":
                    Uuid(stream, box, tags, here);
                    break;
                case "meta":
                    Meta(stream, box, here, budget, tags);
                    break;
                default:
                    break;
            }
        }
    }

    private static void Meta(Stream stream, IsoBox meta, string path, IsoBudget budget, TagCollector tags)
    {
        var children = IsoBoxReader.Children(stream, meta, budget, IsoBoxReader.MetaChildrenOffset(stream, meta)).ToList();
        var keysBox = children.FirstOrDefault(b => b.Type == "keys");
        var ilst = children.FirstOrDefault(b => b.Type == "ilst");
        if (keysBox.Type is null || ilst.Type is null)
        {
            return;
        }

        var keys = Keys(IsoBoxReader.Payload(stream, keysBox, tags));
        foreach (var item in IsoBoxReader.Children(stream, ilst, budget).ToList())
        {
            var index = (int)BinaryPrimitives.ReadUInt32BigEndian(Encoding.Latin1.GetBytes(item.Type));
            if (index < 1 || index > keys.Count)
            {
                continue;
            }

            var key = keys[index - 1];
            if (key != KeywordsKey && !tags.ExaminesText)
            {
                continue;
            }

            foreach (var data in IsoBoxReader.Children(stream, item, budget).Where(b => b.Type == "data").ToList())
            {
                var payload = IsoBoxReader.Payload(stream, data, tags);
                if (payload.Length < 8)
                {
                    throw new UnreadableMetadataException($"{path}/ilst data box is truncated");
                }

                var type = BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x00FFFFFF;
                var text = type == 2
                    ? Encoding.BigEndianUnicode.GetString(payload, 8, payload.Length - 8)
                    : Encoding.UTF8.GetString(payload, 8, payload.Length - 8);

                if (key != KeywordsKey)
                {
                    // The safety net (SPEC §3.1): titles, descriptions, comments of the other keys.
                    tags.Examined(text, $"QuickTime {IsoBoxReader.Printable(key)} ({path})");
                    continue;
                }

                // One string may hold several keywords.
                foreach (var keyword in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries))
                {
                    tags.Keyword(keyword, $"QuickTime {KeywordsKey} ({path})");
                }
            }
        }
    }

    private static List<string> Keys(byte[] payload)
    {
        if (payload.Length < 8)
        {
            throw new UnreadableMetadataException("the QuickTime keys box is truncated");
        }

        var count = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4));
        var keys = new List<string>();
        var pos = 8;
        for (var i = 0u; i < count; i++)
        {
            if (pos + 8 > payload.Length)
            {
                throw new UnreadableMetadataException("the QuickTime keys box is truncated");
            }

            var size = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(pos)), int.MaxValue);
            if (size < 8 || size > payload.Length - pos)
            {
                throw new UnreadableMetadataException("the QuickTime keys box is damaged");
            }

            keys.Add(Encoding.UTF8.GetString(payload, pos + 8, size - 8));
            pos += size;
        }

        return keys;
    }
}
