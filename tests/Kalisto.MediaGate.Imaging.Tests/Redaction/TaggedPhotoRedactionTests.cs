using System.Text;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Imaging.Redaction;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Xmp;
using SixLabors.ImageSharp.PixelFormats;
using static Kalisto.MediaGate.Imaging.Tests.Redaction.TestImages;

namespace Kalisto.MediaGate.Imaging.Tests.Redaction;

/// <summary>
/// From the tags to the pixels: a turned camera photo whose faces are tagged in both region conventions
/// is read by the tag reader, decided, and redacted; the redacted pixels must be exactly the face that
/// lacks consent, as a viewer shows the photo.
/// </summary>
public sealed class TaggedPhotoRedactionTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(8)]
    public async Task The_face_without_consent_is_redacted_where_a_viewer_sees_it(int orientation)
    {
        // Stored 240×160. Noah (LL-1002, withdrawn) in a Microsoft region: top-left 0.10, 0.20, size 0.25 × 0.30.
        // Emma (LL-1001, consenting) in an MWG region: centre 0.75, 0.50, size 0.20 × 0.30.
        using var stored = Noisy(240, 160, seed: 5);
        using var photo = Tagged(stored, orientation,
            """
            <rdf:Description rdf:about="" xmlns:MP="http://ns.microsoft.com/photo/1.2/" xmlns:MPRI="http://ns.microsoft.com/photo/1.2/t/RegionInfo#" xmlns:MPReg="http://ns.microsoft.com/photo/1.2/t/Region#"
              xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#">
            <MP:RegionInfo rdf:parseType="Resource"><MPRI:Regions><rdf:Bag>
              <rdf:li rdf:parseType="Resource"><MPReg:Rectangle>0.10, 0.20, 0.25, 0.30</MPReg:Rectangle><MPReg:PersonDisplayName>LL-1002</MPReg:PersonDisplayName></rdf:li>
            </rdf:Bag></MPRI:Regions></MP:RegionInfo>
            <mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag>
              <rdf:li rdf:parseType="Resource"><mwg-rs:Name>LL-1001</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type>
                <mwg-rs:Area stArea:x="0.75" stArea:y="0.5" stArea:w="0.2" stArea:h="0.3" stArea:unit="normalized"/></rdf:li>
            </rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
            </rdf:Description>
            """);
        var tags = new TagReader().Read(photo, "klas.jpg");
        var decision = new DecisionRules(new ConsentOptions()).Decide(tags, [Records.Valid(string.Empty, "LL-1001", "LL-1001", "newsletter", "website"), Records.Valid(string.Empty, "LL-1002", "LL-1002", "newsletter", "website") with { WithdrawnOn = new DateOnly(2026, 11, 1) }], new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero), redactable: true);

        Assert.Equal(Outcome.Redacted, decision.Outcome);
        Assert.Equal(["LL-1002"], decision.RedactedSubjects);
        Assert.Equal(["newsletter", "website"], decision.Channels);

        photo.Position = 0;
        var output = new MemoryStream();
        var result = await new ImageRedactor().RedactAsync(photo, tags.Format, decision.Redactions, output, CancellationToken.None);
        Assert.True(result.Succeeded, result.Message);
        using var redacted = Decode(output);
        using var displayed = Displayed(stored, orientation);
        Assert.Equal((displayed.Width, displayed.Height), (redacted.Width, redacted.Height));

        var noah = OnDisplay(Rectangle.FromLTRB(24, 32, 84, 80), orientation, 240, 160); // the stored pixels of Noah's rectangle
        var emma = OnDisplay(Rectangle.FromLTRB(156, 56, 204, 104), orientation, 240, 160);
        Assert.True(MeanDifference(displayed, redacted, noah) > 20, $"Noah's face is still recognisable ({MeanDifference(displayed, redacted, noah):F1})");
        Assert.True(MeanDifference(displayed, redacted, emma) < 8, $"Emma's face was changed ({MeanDifference(displayed, redacted, emma):F1})");
    }

    /// <summary>Where stored pixels appear on the display, for the orientations a camera writes.</summary>
    private static Rectangle OnDisplay(Rectangle stored, int orientation, int width, int height) => orientation switch
    {
        6 => Rectangle.FromLTRB(height - stored.Bottom, stored.Left, height - stored.Top, stored.Right), // turned 90° clockwise
        8 => Rectangle.FromLTRB(stored.Top, width - stored.Right, stored.Bottom, width - stored.Left), // turned 90° anticlockwise
        _ => stored,
    };

    private static MemoryStream Tagged(Image<Rgb24> stored, int orientation, string description)
    {
        using var copy = stored.Clone();
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.Orientation, (ushort)orientation);
        copy.Metadata.ExifProfile = exif;
        copy.Metadata.XmpProfile = new XmpProfile(Encoding.UTF8.GetBytes(
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">" + description + "</rdf:RDF></x:xmpmeta>"));
        return Encode(copy, new JpegEncoder { Quality = 95 });
    }
}
