using Kalisto.MediaGate.Cli.Commands;
using Kalisto.MediaGate.Decisions;

namespace Kalisto.MediaGate.Cli.Tests.Commands;

/// <summary>How the command line's tables say what the face step did (SPEC §11), in Dutch and English.</summary>
public sealed class FaceTextsTests
{
    [Fact]
    public void An_item_in_screening_that_waits_for_its_faces_says_so_in_plain_words()
    {
        Assert.Contains("wordt nog gecontroleerd op gezichten", Language.StateMarkup("screening", awaitsFaces: true, ReasonTexts.Dutch), StringComparison.Ordinal);
        Assert.Contains("being checked for faces", Language.StateMarkup("screening", awaitsFaces: true, ReasonTexts.English), StringComparison.Ordinal);
        Assert.Equal("[grey]screening[/]", Language.StateMarkup("screening", awaitsFaces: false, ReasonTexts.English));
        Assert.Equal("[green]approved[/]", Language.StateMarkup("approved", awaitsFaces: false, ReasonTexts.English));
    }

    [Fact]
    public void An_unidentified_face_reason_says_how_many_faces_no_tag_accounts_for()
    {
        Assert.Equal("unidentified-face (2 gezicht(en) zonder tag)", Language.Describe(ReasonCode.UnidentifiedFace, null, null, ReasonTexts.Dutch, 2));
        Assert.Equal("unidentified-face (2 face(s) no tag accounts for)", Language.Describe(ReasonCode.UnidentifiedFace, null, null, ReasonTexts.English, 2));
        Assert.Equal("unidentified-face", Language.Describe(ReasonCode.UnidentifiedFace, null, null, ReasonTexts.English));
        Assert.Equal("untagged", Language.Describe(ReasonCode.Untagged, null, null, ReasonTexts.English, 2));
    }
}
