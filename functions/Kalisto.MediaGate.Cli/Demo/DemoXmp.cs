using System.Globalization;
using System.Text;

namespace Kalisto.MediaGate.Cli.Demo;

/// <summary>A face region of the demo media: a name and a normalised rectangle.</summary>
/// <param name="Name">The person shown, as a writer would store it (a display name or a subject ID).</param>
/// <param name="X">MWG: centre x; Microsoft: left.</param>
/// <param name="Y">MWG: centre y; Microsoft: top.</param>
/// <param name="W">Width, normalised.</param>
/// <param name="H">Height, normalised.</param>
internal sealed record DemoRegion(string Name, double X, double Y, double W, double H);

/// <summary>The XMP properties of one demo item; empty lists are left out of the packet.</summary>
internal sealed record DemoXmp
{
    private const string XmpNs = "adobe:ns:meta/";
    private const string RdfNs = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private const string DcNs = "http://purl.org/dc/elements/1.1/";
    private const string IptcExtNs = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/";
    private const string MwgRsNs = "http://www.metadataworkinggroup.com/schemas/regions/";
    private const string StAreaNs = "http://ns.adobe.com/xmp/sType/Area#";
    private const string StDimNs = "http://ns.adobe.com/xap/1.0/sType/Dimensions#";
    private const string LrNs = "http://ns.adobe.com/lightroom/1.0/";
    private const string MPNs = "http://ns.microsoft.com/photo/1.2/";
    private const string MPRINs = "http://ns.microsoft.com/photo/1.2/t/RegionInfo#";
    private const string MPRegNs = "http://ns.microsoft.com/photo/1.2/t/Region#";

    /// <summary>The packet header; the byte order mark inside <c>begin</c> is part of the XMP packet format.</summary>
    private const string Header = "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n";

    private const string Trailer = "<?xpacket end=\"w\"?>";

    public IReadOnlyList<string> Subjects { get; init; } = [];

    public IReadOnlyList<string> PersonsInImage { get; init; } = [];

    public IReadOnlyList<string> HierarchicalSubjects { get; init; } = [];

    /// <summary>MWG face regions (centre based), applied to <see cref="ImageWidth"/> x <see cref="ImageHeight"/>.</summary>
    public IReadOnlyList<DemoRegion> MwgFaces { get; init; } = [];

    /// <summary>Microsoft Photo regions (top-left based).</summary>
    public IReadOnlyList<DemoRegion> MicrosoftRegions { get; init; } = [];

    public int ImageWidth { get; init; } = 64;

    public int ImageHeight { get; init; } = 48;

    /// <summary>The complete packet, header to trailer, with the usual 2 KB of writable padding.</summary>
    public byte[] ToPacket() => Encoding.UTF8.GetBytes(Header + Body() + Padding(2048) + Trailer);

    /// <summary>
    /// The complete packet padded to exactly <paramref name="length"/> bytes, so that it can replace a
    /// packet in place without moving anything after it.
    /// </summary>
    public byte[] ToPacket(int length)
    {
        var fixedPart = Encoding.UTF8.GetByteCount(Header + Body() + Trailer);
        var padding = length - fixedPart;
        if (padding < 0)
        {
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"the XMP packet needs {fixedPart} bytes but only {length} are available"));
        }

        var packet = Encoding.UTF8.GetBytes(Header + Body() + Padding(padding) + Trailer);
        return packet.Length == length
            ? packet
            : throw new InvalidOperationException("the padded XMP packet does not have the intended length");
    }

    private string Body()
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"<x:xmpmeta xmlns:x=\"{XmpNs}\">\n");
        s.Append(CultureInfo.InvariantCulture, $"<rdf:RDF xmlns:rdf=\"{RdfNs}\">\n");
        s.Append(" <rdf:Description rdf:about=\"\"");
        Namespace(s, "dc", DcNs, Subjects.Count > 0);
        Namespace(s, "Iptc4xmpExt", IptcExtNs, PersonsInImage.Count > 0);
        Namespace(s, "lr", LrNs, HierarchicalSubjects.Count > 0);
        Namespace(s, "mwg-rs", MwgRsNs, MwgFaces.Count > 0);
        Namespace(s, "stArea", StAreaNs, MwgFaces.Count > 0);
        Namespace(s, "stDim", StDimNs, MwgFaces.Count > 0);
        Namespace(s, "MP", MPNs, MicrosoftRegions.Count > 0);
        Namespace(s, "MPRI", MPRINs, MicrosoftRegions.Count > 0);
        Namespace(s, "MPReg", MPRegNs, MicrosoftRegions.Count > 0);
        s.Append(">\n");

        Bag(s, "dc:subject", Subjects);
        Bag(s, "Iptc4xmpExt:PersonInImage", PersonsInImage);
        Bag(s, "lr:hierarchicalSubject", HierarchicalSubjects);
        if (MwgFaces.Count > 0)
        {
            s.Append("  <mwg-rs:Regions rdf:parseType=\"Resource\">\n");
            s.Append(CultureInfo.InvariantCulture,
                $"   <mwg-rs:AppliedToDimensions stDim:w=\"{ImageWidth}\" stDim:h=\"{ImageHeight}\" stDim:unit=\"pixel\"/>\n");
            s.Append("   <mwg-rs:RegionList>\n    <rdf:Bag>\n");
            foreach (var face in MwgFaces)
            {
                s.Append(CultureInfo.InvariantCulture,
                    $"     <rdf:li><rdf:Description mwg-rs:Name=\"{Escape(face.Name)}\" mwg-rs:Type=\"Face\">");
                s.Append(CultureInfo.InvariantCulture,
                    $"<mwg-rs:Area stArea:x=\"{Number(face.X)}\" stArea:y=\"{Number(face.Y)}\" stArea:w=\"{Number(face.W)}\" stArea:h=\"{Number(face.H)}\" stArea:unit=\"normalized\"/>");
                s.Append("</rdf:Description></rdf:li>\n");
            }

            s.Append("    </rdf:Bag>\n   </mwg-rs:RegionList>\n  </mwg-rs:Regions>\n");
        }

        if (MicrosoftRegions.Count > 0)
        {
            s.Append("  <MP:RegionInfo rdf:parseType=\"Resource\">\n   <MPRI:Regions>\n    <rdf:Bag>\n");
            foreach (var region in MicrosoftRegions)
            {
                s.Append(CultureInfo.InvariantCulture,
                    $"     <rdf:li rdf:parseType=\"Resource\"><MPReg:PersonDisplayName>{Escape(region.Name)}</MPReg:PersonDisplayName>");
                s.Append(CultureInfo.InvariantCulture,
                    $"<MPReg:Rectangle>{Number(region.X)}, {Number(region.Y)}, {Number(region.W)}, {Number(region.H)}</MPReg:Rectangle></rdf:li>\n");
            }

            s.Append("    </rdf:Bag>\n   </MPRI:Regions>\n  </MP:RegionInfo>\n");
        }

        s.Append(" </rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n");
        return s.ToString();
    }

    private static void Namespace(StringBuilder s, string prefix, string uri, bool used)
    {
        if (used)
        {
            s.Append(CultureInfo.InvariantCulture, $"\n  xmlns:{prefix}=\"{uri}\"");
        }
    }

    private static void Bag(StringBuilder s, string property, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        s.Append(CultureInfo.InvariantCulture, $"  <{property}>\n   <rdf:Bag>\n");
        foreach (var value in values)
        {
            s.Append(CultureInfo.InvariantCulture, $"    <rdf:li>{Escape(value)}</rdf:li>\n");
        }

        s.Append(CultureInfo.InvariantCulture, $"   </rdf:Bag>\n  </{property}>\n");
    }

    /// <summary>Whitespace padding in lines of 100 characters, as XMP writers lay it out.</summary>
    private static string Padding(int length)
    {
        var s = new StringBuilder(length);
        while (s.Length < length)
        {
            var remaining = length - s.Length;
            if (remaining > 100)
            {
                s.Append(' ', 99).Append('\n');
            }
            else
            {
                s.Append(' ', remaining);
            }
        }

        return s.ToString();
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Escape(string value)
    {
        var s = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            s.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&apos;",
                _ => c.ToString(),
            });
        }

        return s.ToString();
    }
}
