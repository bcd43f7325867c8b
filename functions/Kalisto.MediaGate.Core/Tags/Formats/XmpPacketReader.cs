using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
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
internal static partial class XmpPacketReader
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

    private static readonly XNamespace AdobeMeta = "adobe:ns:meta/";
    private static readonly XName WrapperName = "mediagate-xmp";

    // exiftool writes the Microsoft Photo 1.0 namespace without its trailing slash.
    private static readonly XNamespace MicrosoftPhotoNoSlash = "http://ns.microsoft.com/photo/1.0";

    /// <summary>
    /// Reads every packet in <paramref name="packet"/> (a buffer may hold several, and data after a
    /// trailer); throws <see cref="UnreadableMetadataException"/> for hostile or broken XML.
    /// </summary>
    public static void Read(ReadOnlySpan<byte> packet, string container, TagCollector tags)
    {
        var text = Decode(packet);
        if (text.Contains("<!DOCTYPE", StringComparison.OrdinalIgnoreCase) || text.Contains("<!ENTITY", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnreadableMetadataException($"XMP packet in {container} declares a DOCTYPE or entities; refused");
        }

        var first = true;
        foreach (var piece in Pieces(text))
        {
            XDocument document;
            try
            {
                document = Parse(piece, tags.Options.MaxXmlDepth, container);
            }
            catch (UnreadableMetadataException) when (!first)
            {
                // Stale bytes after a trailer: Lightroom leaves the tail of an older packet there, which
                // is no XML on its own. What it still names is read as well as it can be (fail closed).
                Stale(piece, $"XMP data after the packet trailer ({container})", tags);
                continue;
            }
            finally
            {
                first = false;
            }

            var packetReader = new Packet(container, tags);
            foreach (var description in TopLevelDescriptions(document))
            {
                foreach (var (name, value) in StructFields(description))
                {
                    packetReader.Interpret(name, value);
                }
            }

            if (tags.ExaminesText)
            {
                packetReader.SafetyNet(document);
            }
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
        return encoding.GetString(packet).Replace('\0', ' ').Replace('\uFEFF', ' ');
    }

    /// <summary>
    /// The text cut after each packet trailer (<c>&lt;?xpacket end…?&gt;</c>): exiftool reads what follows a
    /// trailer too (a second packet, or properties an editor left behind), so every piece is read. XML
    /// declarations are dropped, as a declaration may only start a document; blank pieces are skipped.
    /// </summary>
    private static IEnumerable<string> Pieces(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var trailer = text.IndexOf("<?xpacket end", start, StringComparison.Ordinal);
            var close = trailer < 0 ? -1 : text.IndexOf("?>", trailer, StringComparison.Ordinal);
            var end = close < 0 ? text.Length : close + 2;
            var piece = text[start..end];
            if (piece.Contains("<?xml", StringComparison.Ordinal))
            {
                piece = XmlDeclaration().Replace(piece, " ");
            }

            if (!string.IsNullOrWhiteSpace(piece) && !(piece.Length < 512 && IsOnlyProcessingInstructions(piece)))
            {
                yield return piece;
            }

            start = end;
        }
    }

    private static bool IsOnlyProcessingInstructions(string piece) =>
        ProcessingInstruction().Replace(piece, string.Empty).Trim().Length == 0;

    /// <summary>
    /// Values in a broken piece of XML: person fields (<c>Name</c>, <c>PersonDisplayName</c>,
    /// <c>PersonName</c>, <c>PersonId</c>, as attribute or element) are persons, list items are keywords,
    /// and the safety net looks at the rest.
    /// </summary>
    private static void Stale(string piece, string source, TagCollector tags)
    {
        foreach (Match match in StalePerson().Matches(piece))
        {
            // The old packet's people are mostly the current packet's too; a repeat adds nothing to check.
            var value = WebUtility.HtmlDecode(match.Groups["a"].Success ? match.Groups["a"].Value : match.Groups["e"].Value);
            if (!tags.HasPerson(value))
            {
                tags.Person(value, source);
            }
        }

        foreach (Match match in StaleItem().Matches(piece))
        {
            tags.Keyword(WebUtility.HtmlDecode(match.Groups["v"].Value), source);
        }

        tags.Examined(StalePerson().Replace(StaleItem().Replace(piece, " "), " "), source);
    }

    [GeneratedRegex(
        @"[A-Za-z_][\w.-]*:(?:Name|PersonDisplayName|PersonName|PersonId)(?:\s*=\s*(?:""(?<a>[^""<]*)""|'(?<a>[^'<]*)')|>(?<e>[^<]*)<)",
        RegexOptions.CultureInvariant)]
    private static partial Regex StalePerson();

    [GeneratedRegex(@"<rdf:li(?:\s[^>]*)?>(?<v>[^<]*)</rdf:li>", RegexOptions.CultureInvariant)]
    private static partial Regex StaleItem();

    [GeneratedRegex(@"<\?xml\s[^>]*\?>", RegexOptions.CultureInvariant)]
    private static partial Regex XmlDeclaration();

    [GeneratedRegex(@"<\?[^>]*\?>", RegexOptions.CultureInvariant)]
    private static partial Regex ProcessingInstruction();

    private static XDocument Parse(string text, int maxDepth, string container)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = false,
            IgnoreWhitespace = true,
            CheckCharacters = false,
        };

        try
        {
            // One piece may hold several elements (packets, or properties after a trailer): a root of
            // MediaGate's own holds them. The first pass refuses deep nesting before any tree is built.
            text = $"<{WrapperName}>{text}</{WrapperName}>";
            using (var reader = XmlReader.Create(new StringReader(text), settings))
            {
                while (reader.Read())
                {
                    if (reader.Depth > maxDepth + 1)
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

    /// <summary>
    /// The <c>rdf:Description</c> nodes of the packet: inside <c>rdf:RDF</c>, or (as exiftool also reads
    /// them) directly in <c>x:xmpmeta</c> or with no wrapper at all. A typed node (another element in
    /// place of <c>rdf:Description</c>) is no location of SPEC §3.1; the safety net looks at its text.
    /// </summary>
    private static IEnumerable<XElement> TopLevelDescriptions(XDocument document) =>
        document.Descendants(Rdf + "Description")
            .Where(d => d.Ancestors().All(a => a.Name == Rdf + "RDF" || a.Name.Namespace == AdobeMeta || a.Name == WrapperName));

    private static IEnumerable<(XName Name, RdfNode Value)> StructFields(XElement element)
    {
        foreach (var attribute in element.Attributes().Where(IsPropertyAttribute))
        {
            yield return (attribute.Name, new RdfText(attribute.Value, attribute));
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
            return new RdfText(resource.Value, resource);
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
                : new RdfText(element.Value, element);
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

    private static IEnumerable<RdfNode> Items(RdfNode? node) => node switch
    {
        RdfArray array => array.Items,
        null => [],
        _ => [node],
    };

    /// <summary>The text values of one packet's properties, and which XML nodes they came from.</summary>
    private sealed class Packet(string container, TagCollector tags)
    {
        private readonly HashSet<XObject> _read = [];

        private string Source(string field) => $"XMP {field} ({container})";

        public void Interpret(XName name, RdfNode value)
        {
            if (name == IptcExt + "PersonInImage")
            {
                foreach (var person in Texts(value))
                {
                    tags.Person(person, Source("Iptc4xmpExt:PersonInImage"));
                }
            }
            else if (name == IptcExt + "PersonInImageWDetails")
            {
                foreach (var (first, others) in PersonDetails(value))
                {
                    tags.Person(first, Source("Iptc4xmpExt:PersonInImageWDetails"), others);
                }
            }
            else if (name == IptcExt + "ImageRegion")
            {
                ImageRegions(value, Source("Iptc4xmpExt:ImageRegion"));
            }
            else if (name == MwgRs + "Regions")
            {
                MwgRegions(value, Source("mwg-rs:Regions"));
            }
            else if (name == MP + "RegionInfo")
            {
                MicrosoftRegions(value, Source("MP:RegionInfo"));
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

        /// <summary>
        /// The safety net (SPEC §3.1): every text, attribute value, comment and processing instruction of
        /// the packet that no location above read.
        /// </summary>
        public void SafetyNet(XDocument document)
        {
            foreach (var node in document.DescendantNodes())
            {
                switch (node)
                {
                    case XText text when text.Parent is { } parent && !_read.Contains(parent):
                        tags.Examined(text.Value, Source(Place(parent)));
                        break;
                    case XComment comment:
                        tags.Examined(comment.Value, Source("comment"));
                        break;
                    case XProcessingInstruction instruction:
                        tags.Examined(instruction.Data, Source("processing instruction"));
                        break;
                    case XElement element:
                        foreach (var attribute in element.Attributes())
                        {
                            if (!attribute.IsNamespaceDeclaration && !_read.Contains(attribute))
                            {
                                tags.Examined(attribute.Value, Source(Place(attribute)));
                            }
                        }

                        break;
                    default:
                        break;
                }
            }
        }

        private static string Place(XElement element) =>
            element.Name == Rdf + "li" || element.Name.Namespace == Rdf
                ? (element.Ancestors().FirstOrDefault(a => a.Name.Namespace != Rdf) is { } property ? Qualified(property) : Qualified(element))
                : Qualified(element);

        private static string Place(XAttribute attribute) =>
            attribute.Parent is { } parent ? $"{Qualified(parent)} {Qualified(attribute.Name, parent)}" : attribute.Name.LocalName;

        private static string Qualified(XElement element) => Qualified(element.Name, element);

        private static string Qualified(XName name, XElement scope) =>
            scope.GetPrefixOfNamespace(name.Namespace) is { Length: > 0 } prefix ? $"{prefix}:{name.LocalName}" : name.LocalName;

        /// <summary>Each PersonInImageWDetails entry: its first value, and the others that name the same person.</summary>
        private List<(string? First, List<string> Others)> PersonDetails(RdfNode? value)
        {
            var result = new List<(string?, List<string>)>();
            foreach (var entry in Items(value).OfType<RdfStruct>())
            {
                var ids = entry.All(IptcExt + "PersonId").SelectMany(Texts).ToList();
                var names = entry.All(IptcExt + "PersonName").SelectMany(Texts).ToList();
                var all = ids.Concat(names).ToList();
                result.Add((all.FirstOrDefault(), all.Skip(1).ToList()));
            }

            return result;
        }

        /// <summary>
        /// IPTC 2019+ image regions: the persons of each region (PersonInImage, PersonInImageWDetails),
        /// located by the region boundary's bounding box (rectangle, circle or polygon; relative or in pixels).
        /// </summary>
        private void ImageRegions(RdfNode value, string source)
        {
            foreach (var region in Items(value).OfType<RdfStruct>())
            {
                var persons = region.All(IptcExt + "PersonInImage").SelectMany(Texts).Select(p => ((string?)p, new List<string>()))
                    .Concat(region.All(IptcExt + "PersonInImageWDetails").SelectMany(PersonDetails))
                    .ToList();
                if (persons.Count == 0)
                {
                    continue;
                }

                var box = Boundary(region.First(IptcExt + "RegionBoundary") as RdfStruct);
                foreach (var (first, others) in persons)
                {
                    if (box is { } b)
                    {
                        tags.ImageRegionPerson(first, others, source, b.Left, b.Top, b.Width, b.Height, b.InPixels);
                    }
                    else
                    {
                        tags.Person(first, source, others);
                    }
                }
            }
        }

        private (double Left, double Top, double Width, double Height, bool InPixels)? Boundary(RdfStruct? boundary)
        {
            if (boundary is null)
            {
                return null;
            }

            var shape = Texts(boundary.First(IptcExt + "rbShape")).FirstOrDefault()?.Trim().ToLowerInvariant();
            var unit = Texts(boundary.First(IptcExt + "rbUnit")).FirstOrDefault()?.Trim().ToLowerInvariant();
            if (unit is not ("relative" or "pixel"))
            {
                return null;
            }

            var inPixels = unit == "pixel";
            double? X(RdfNode? n) => Number(n);
            switch (shape)
            {
                case "rectangle" when X(boundary.First(IptcExt + "rbX")) is { } x && X(boundary.First(IptcExt + "rbY")) is { } y
                    && X(boundary.First(IptcExt + "rbW")) is { } w && X(boundary.First(IptcExt + "rbH")) is { } h && w > 0 && h > 0:
                    return (x, y, w, h, inPixels);
                case "circle" when X(boundary.First(IptcExt + "rbX")) is { } cx && X(boundary.First(IptcExt + "rbY")) is { } cy
                    && X(boundary.First(IptcExt + "rbRx")) is { } r && r > 0:
                    // A relative radius is a fraction of the width; the height's fraction is not known
                    // without the aspect ratio, so the box takes the larger reading (a square image's).
                    return (cx - r, cy - r, 2 * r, 2 * r, inPixels);
                case "polygon":
                    var vertices = Items(boundary.First(IptcExt + "rbVertices")).OfType<RdfStruct>()
                        .Select(v => (X: X(v.First(IptcExt + "rbX")), Y: X(v.First(IptcExt + "rbY"))))
                        .ToList();
                    if (vertices.Count < 3 || vertices.Any(v => v.X is null || v.Y is null))
                    {
                        return null;
                    }

                    var left = vertices.Min(v => v.X!.Value);
                    var top = vertices.Min(v => v.Y!.Value);
                    return (left, top, vertices.Max(v => v.X!.Value) - left, vertices.Max(v => v.Y!.Value) - top, inPixels);
                default:
                    return null;
            }
        }

        private void MwgRegions(RdfNode value, string source)
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
                var type = Texts(region.First(MwgRs + "Type")).FirstOrDefault()?.Trim();
                var isFace = string.Equals(type, "Face", StringComparison.OrdinalIgnoreCase);
                if (!isFace && (type is not null || region.First(MwgRs + "Name") is null))
                {
                    continue; // a pet, focus or barcode region, or an unnamed region of no stated type
                }

                var name = Texts(region.First(MwgRs + "Name")).FirstOrDefault();
                if (!isFace && string.IsNullOrWhiteSpace(name))
                {
                    continue;
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

        private void MicrosoftRegions(RdfNode value, string source)
        {
            if (value is not RdfStruct info)
            {
                return;
            }

            foreach (var region in info.All(MPRI + "Regions").SelectMany(Items).OfType<RdfStruct>())
            {
                var name = Texts(region.First(MPReg + "PersonDisplayName")).FirstOrDefault();
                var rectangle = Texts(region.First(MPReg + "Rectangle")).FirstOrDefault()?
                    .Split(',', StringSplitOptions.TrimEntries).Select(Number).ToArray();
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

        /// <summary>The text values of a node, each marked as read (so the safety net passes over it).</summary>
        private IEnumerable<string> Texts(RdfNode? node)
        {
            switch (node)
            {
                case RdfText text:
                    if (text.Origin is not null)
                    {
                        _read.Add(text.Origin);
                    }

                    yield return text.Value;
                    break;
                case RdfArray array:
                    foreach (var value in array.Items.SelectMany(Texts))
                    {
                        yield return value;
                    }

                    break;
                case RdfStruct s when s.First(Rdf + "value") is { } v:
                    foreach (var value in Texts(v))
                    {
                        yield return value;
                    }

                    break;
                default:
                    break;
            }
        }

        private double? Number(RdfNode? node) => Number(Texts(node).FirstOrDefault());

        private static double? Number(string? text) =>
            text is not null
            && double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value)
                ? value
                : null;
    }

    private abstract record RdfNode;

    private sealed record RdfText(string Value, XObject? Origin) : RdfNode;

    private sealed record RdfArray(IReadOnlyList<RdfNode> Items) : RdfNode;

    private sealed record RdfStruct(IReadOnlyList<(XName Name, RdfNode Value)> Fields) : RdfNode
    {
        public RdfNode? First(XName name) => Fields.FirstOrDefault(f => f.Name == name).Value;

        public IEnumerable<RdfNode> All(XName name) => Fields.Where(f => f.Name == name).Select(f => f.Value);
    }
}
