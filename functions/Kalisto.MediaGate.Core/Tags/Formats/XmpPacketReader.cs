using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>
/// Reads the person and keyword fields of SPEC §3.1 from one XMP packet.
/// </summary>
/// <remarks>
/// Written here rather than through XmpCore (which MetadataExtractor uses) for two reasons:
/// XmpCore walks the XML tree recursively, so a crafted packet nested a hundred thousand levels
/// deep overflows the stack, which .NET cannot catch and which ends the process; and querying a
/// namespace XmpCore does not know (digiKam, Microsoft Photo) throws. This reader refuses any
/// DOCTYPE or entity declaration, resolves nothing external, caps the packet size and nesting
/// depth, and reads the RDF forms that real writers use (bags, structs as elements, as
/// <c>rdf:parseType="Resource"</c> or as attributes).
/// </remarks>
internal static class XmpPacketReader
{
    private static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private static readonly XNamespace Xml = XNamespace.Xml;
    private static readonly XNamespace Xmlns = XNamespace.Xmlns;
    private static readonly XNamespace IptcExt = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/";
    private static readonly XNamespace MwgRs = "http://www.metadataworkinggroup.com/schemas/regions/";
    private static readonly XNamespace StArea = "http://ns.adobe.com/xmp/sType/Area#";
    private static readonly XNamespace StDim = "http://ns.adobe.com/xap/1.0/sType/Dimensions#";
    private static readonly XNamespace MP = "http://ns.microsoft.com/photo/1.2/";
    private static readonly XNamespace MPRI = "http://ns.microsoft.com/photo/1.2/t/RegionInfo#";
    private static readonly XNamespace MPReg = "http://ns.microsoft.com/photo/1.2/t/Region#";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace Lr = "http://ns.adobe.com/lightroom/1.0/";
    private static readonly XNamespace DigiKam = "http://www.digikam.org/ns/1.0/";

    // digiKam 4 and older wrote TagsList in this namespace.
    private static readonly XNamespace DigiKamOld = "http://www.digikam.org/";
    private static readonly XNamespace MicrosoftPhoto = "http://ns.microsoft.com/photo/1.0/";

    // exiftool writes the Microsoft Photo 1.0 namespace without its trailing slash.
    private static readonly XNamespace MicrosoftPhotoNoSlash = "http://ns.microsoft.com/photo/1.0";

    /// <summary>Reads one packet; throws <see cref="UnreadableMetadataException"/> for hostile or broken XML.</summary>
    public static void Read(ReadOnlySpan<byte> packet, string container, TagCollector tags)
    {
        var text = Decode(packet);
        if (text.Contains("<!DOCTYPE", StringComparison.OrdinalIgnoreCase) || text.Contains("<!ENTITY", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnreadableMetadataException($"XMP packet in {container} declares a DOCTYPE or entities; refused");
        }

        var document = Parse(text, tags.Options.MaxXmlDepth, container);
        var properties = TopLevelProperties(document);
        foreach (var (name, value) in properties)
        {
            Interpret(name, value, container, tags);
        }
    }

    private static string Decode(ReadOnlySpan<byte> packet)
    {
        Encoding encoding = Encoding.UTF8;
        if (packet.Length >= 2 && ((packet[0] == 0xFE && packet[1] == 0xFF) || (packet[0] == 0 && packet[1] == (byte)'<')))
        {
            encoding = Encoding.BigEndianUnicode;
        }
        else if (packet.Length >= 2 && ((packet[0] == 0xFF && packet[1] == 0xFE) || (packet[0] == (byte)'<' && packet[1] == 0)))
        {
            encoding = Encoding.Unicode;
        }

        // Writers pad packets with NULs and whitespace; XML does not allow NUL anywhere.
        var text = encoding.GetString(packet).TrimStart('\uFEFF');

        // The packet ends with its trailer; some writers leave stale bytes after it (XMP spec part 1,
        // 7.3: what follows the trailer is not part of the packet).
        var trailer = text.IndexOf("<?xpacket end", StringComparison.Ordinal);
        var close = trailer < 0 ? -1 : text.IndexOf("?>", trailer, StringComparison.Ordinal);
        if (close >= 0)
        {
            text = text[..(close + 2)];
        }

        return text.TrimEnd('\0', ' ', '\r', '\n', '\t');
    }

    private static XDocument Parse(string text, int maxDepth, string container)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreWhitespace = false,
            CheckCharacters = false,
        };

        try
        {
            // First pass refuses deep nesting before any tree is built.
            using (var reader = XmlReader.Create(new StringReader(text), settings))
            {
                while (reader.Read())
                {
                    if (reader.Depth > maxDepth)
                    {
                        throw new UnreadableMetadataException(
                            string.Create(CultureInfo.InvariantCulture, $"XMP packet in {container} is nested deeper than {maxDepth} levels; refused"));
                    }
                }
            }

            using var second = XmlReader.Create(new StringReader(text), settings);
            return XDocument.Load(second, LoadOptions.None);
        }
        catch (XmlException e)
        {
            throw new UnreadableMetadataException($"XMP packet in {container} is not well-formed XML: {e.Message}", e);
        }
    }

    private static List<(XName Name, RdfNode Value)> TopLevelProperties(XDocument document)
    {
        var result = new List<(XName, RdfNode)>();
        foreach (var rdf in document.Descendants(Rdf + "RDF"))
        {
            foreach (var description in rdf.Elements(Rdf + "Description"))
            {
                result.AddRange(StructFields(description));
            }
        }

        return result;
    }

    private static IEnumerable<(XName Name, RdfNode Value)> StructFields(XElement element)
    {
        foreach (var attribute in element.Attributes().Where(IsPropertyAttribute))
        {
            yield return (attribute.Name, new RdfText(attribute.Value));
        }

        foreach (var child in element.Elements())
        {
            if (child.Name == Rdf + "Description")
            {
                foreach (var field in StructFields(child))
                {
                    yield return field;
                }
            }
            else
            {
                yield return (child.Name, Value(child));
            }
        }
    }

    private static RdfNode Value(XElement element)
    {
        var resource = element.Attribute(Rdf + "resource");
        if (resource is not null)
        {
            return new RdfText(resource.Value);
        }

        if ((string?)element.Attribute(Rdf + "parseType") == "Resource")
        {
            return new RdfStruct([.. StructFields(element)]);
        }

        var children = element.Elements().ToList();
        if (children.Count == 0)
        {
            return element.Attributes().Any(IsPropertyAttribute)
                ? new RdfStruct([.. StructFields(element)])
                : new RdfText(element.Value);
        }

        if (children.Count == 1 && (children[0].Name == Rdf + "Bag" || children[0].Name == Rdf + "Seq" || children[0].Name == Rdf + "Alt"))
        {
            return new RdfArray([.. children[0].Elements(Rdf + "li").Select(Value)]);
        }

        return new RdfStruct([.. StructFields(element)]);
    }

    private static bool IsPropertyAttribute(XAttribute attribute) =>
        !attribute.IsNamespaceDeclaration && attribute.Name.Namespace != Rdf && attribute.Name.Namespace != Xml
        && attribute.Name.Namespace != Xmlns && attribute.Name.Namespace != XNamespace.None;

    private static void Interpret(XName name, RdfNode value, string container, TagCollector tags)
    {
        string Source(string field) => $"XMP {field} ({container})";

        if (name == IptcExt + "PersonInImage")
        {
            foreach (var person in Texts(value))
            {
                tags.Person(person, Source("Iptc4xmpExt:PersonInImage"));
            }
        }
        else if (name == IptcExt + "PersonInImageWDetails")
        {
            foreach (var entry in Items(value).OfType<RdfStruct>())
            {
                var ids = entry.All(IptcExt + "PersonId").SelectMany(Texts).ToList();
                var names = entry.All(IptcExt + "PersonName").SelectMany(Texts).ToList();
                var all = ids.Concat(names).ToList();
                tags.Person(all.FirstOrDefault(), Source("Iptc4xmpExt:PersonInImageWDetails"), all.Skip(1).ToList());
            }
        }
        else if (name == MwgRs + "Regions")
        {
            MwgRegions(value, Source("mwg-rs:Regions"), tags);
        }
        else if (name == MP + "RegionInfo")
        {
            MicrosoftRegions(value, Source("MP:RegionInfo"), tags);
        }
        else if (name == Dc + "subject")
        {
            foreach (var keyword in Texts(value))
            {
                tags.Keyword(keyword, Source("dc:subject"));
            }
        }
        else if (name == Lr + "hierarchicalSubject")
        {
            foreach (var path in Texts(value))
            {
                tags.HierarchicalKeyword(path, '|', Source("lr:hierarchicalSubject"));
            }
        }
        else if (name == DigiKam + "TagsList" || name == DigiKamOld + "TagsList")
        {
            foreach (var path in Texts(value))
            {
                tags.HierarchicalKeyword(path, '/', Source("digiKam:TagsList"));
            }
        }
        else if ((name.Namespace == MicrosoftPhoto || name.Namespace == MicrosoftPhotoNoSlash)
            && name.LocalName is "LastKeywordXMP" or "LastKeywordIPTC")
        {
            foreach (var path in Texts(value))
            {
                tags.HierarchicalKeyword(path, '/', Source($"MicrosoftPhoto:{name.LocalName}"));
            }
        }
    }

    private static void MwgRegions(RdfNode value, string source, TagCollector tags)
    {
        if (value is not RdfStruct regions)
        {
            return;
        }

        var dimensions = regions.First(MwgRs + "AppliedToDimensions") as RdfStruct;
        var width = Number(dimensions?.First(StDim + "w"));
        var height = Number(dimensions?.First(StDim + "h"));
        foreach (var region in regions.All(MwgRs + "RegionList").SelectMany(Items).OfType<RdfStruct>())
        {
            var name = Texts(region.First(MwgRs + "Name")).FirstOrDefault();
            var type = Texts(region.First(MwgRs + "Type")).FirstOrDefault()?.Trim();
            var isFace = string.Equals(type, "Face", StringComparison.OrdinalIgnoreCase);
            if (!isFace && (type is not null || string.IsNullOrWhiteSpace(name)))
            {
                continue; // a pet, focus or barcode region, or an unnamed region of no stated type
            }

            if (region.First(MwgRs + "Area") is RdfStruct area
                && Number(area.First(StArea + "x")) is { } x && Number(area.First(StArea + "y")) is { } y
                && Number(area.First(StArea + "w")) is { } w && Number(area.First(StArea + "h")) is { } h)
            {
                var unit = Texts(area.First(StArea + "unit")).FirstOrDefault();
                if (string.Equals(unit, "pixel", StringComparison.OrdinalIgnoreCase) && width > 0 && height > 0)
                {
                    (x, y, w, h) = (x / width.Value, y / height.Value, w / width.Value, h / height.Value);
                }

                // MWG areas are centre based.
                tags.FaceRegion(name, source, x - (w / 2), y - (h / 2), w, h);
            }
            else
            {
                tags.RegionWithoutArea(name, source);
            }
        }
    }

    private static void MicrosoftRegions(RdfNode value, string source, TagCollector tags)
    {
        if (value is not RdfStruct info)
        {
            return;
        }

        foreach (var region in info.All(MPRI + "Regions").SelectMany(Items).OfType<RdfStruct>())
        {
            var name = Texts(region.First(MPReg + "PersonDisplayName")).FirstOrDefault();
            var rectangle = Texts(region.First(MPReg + "Rectangle")).FirstOrDefault()?
                .Split(',', StringSplitOptions.TrimEntries).Select(v => Number(new RdfText(v))).ToArray();
            if (rectangle is [{ } x, { } y, { } w, { } h])
            {
                // Microsoft rectangles are top-left based.
                tags.FaceRegion(name, source, x, y, w, h);
            }
            else
            {
                tags.RegionWithoutArea(name, source);
            }
        }
    }

    private static IEnumerable<RdfNode> Items(RdfNode? node) => node switch
    {
        RdfArray array => array.Items,
        null => [],
        _ => [node],
    };

    private static IEnumerable<string> Texts(RdfNode? node) => node switch
    {
        RdfText text => [text.Value],
        RdfArray array => array.Items.SelectMany(Texts),
        RdfStruct s when s.First(Rdf + "value") is { } v => Texts(v),
        _ => [],
    };

    private static double? Number(RdfNode? node) =>
        Texts(node).FirstOrDefault() is { } text
        && double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
        && double.IsFinite(value)
            ? value
            : null;

    private abstract record RdfNode;

    private sealed record RdfText(string Value) : RdfNode;

    private sealed record RdfArray(IReadOnlyList<RdfNode> Items) : RdfNode;

    private sealed record RdfStruct(IReadOnlyList<(XName Name, RdfNode Value)> Fields) : RdfNode
    {
        public RdfNode? First(XName name) => Fields.FirstOrDefault(f => f.Name == name).Value;

        public IEnumerable<RdfNode> All(XName name) => Fields.Where(f => f.Name == name).Select(f => f.Value);
    }
}
