using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Faces;

/// <summary>
/// What a face detector found in an item's pixels (SPEC §11): the boxes of the faces, normalised to the displayed image
/// as <see cref="FaceRegion"/> is, or the reason code of why the image could not be looked at. Nothing else about a
/// face is kept: no crop, no template, no embedding.
/// </summary>
public sealed record FaceScan
{
    /// <summary>More faces than this in one picture are not accounted for one by one: the scan fails (<c>too-large</c>).</summary>
    public const int MaxFaces = 400;

    /// <summary>The faces found, best first.</summary>
    public IReadOnlyList<FaceRegion> Faces { get; init; } = [];

    /// <summary>A reason code of SPEC §5 (<c>unreadable</c>, <c>too-large</c>, <c>unsupported-type</c>) when the pixels could not be looked at.</summary>
    public string? Failure { get; init; }

    public bool Succeeded => Failure is null;

    public static FaceScan Found(IEnumerable<FaceRegion> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var found = faces.ToList();
        return found.Count > MaxFaces ? Failed(Decisions.ReasonCode.TooLarge) : new FaceScan { Faces = found };
    }

    public static FaceScan Failed(string reasonCode) =>
        new() { Failure = reasonCode ?? throw new ArgumentNullException(nameof(reasonCode)) };
}

/// <summary>
/// The faces in an item held against its tags, as a decision keeps it: how many were detected, how many of them are
/// <c>unidentified-face</c>, and the boxes of the faces no tag accounts for (all of them pixelated when any is unidentified).
/// </summary>
public sealed record FaceCheck(int Detected, int Unidentified, IReadOnlyList<FaceRegion> Unaccounted);

/// <summary>Finds faces in images, on the imaging worker (SPEC §11). Detection only: nobody is recognised.</summary>
public interface IFaceDetector
{
    /// <summary>Whether images of this format are looked at (decoded); others stay decided by their tags, as videos are.</summary>
    bool CanDetect(MediaFormat format);

    /// <summary>
    /// The faces in <paramref name="source"/>, an untrusted image of <paramref name="format"/>, decoded under the redactor's
    /// limits. Bad, hostile or too large input gives a failed scan, never an exception.
    /// </summary>
    /// <remarks>A detector that cannot run (its model is missing) throws: that is never "no faces".</remarks>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    /// <exception cref="IOException">Reading <paramref name="source"/> failed.</exception>
    Task<FaceScan> DetectAsync(Stream source, MediaFormat format, CancellationToken cancellationToken);
}

/// <summary>What is done with a picture that shows faces nobody's tags account for (configuration section <c>MediaGate:Faces</c>).</summary>
public sealed class FaceOptions
{
    public const string Section = "MediaGate:Faces";

    /// <summary>
    /// Publish such a picture as <c>redacted</c>, with those faces pixelated, when every other reason allows (the default);
    /// when off, it is quarantined.
    /// </summary>
    public bool RedactUnidentified { get; init; } = true;
}
