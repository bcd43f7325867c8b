namespace Kalisto.MediaGate.Imaging.Faces;

/// <summary>
/// The detector could not look at an image: it is not a readable image of its format (<c>unreadable</c>), is
/// larger than the pixel limits (<c>too-large</c>), or took longer than the deadline. The caller fails closed:
/// an image nobody looked at has no "no faces".
/// </summary>
public class FaceDetectionException : Exception
{
    public FaceDetectionException()
    {
        ReasonCode = Decisions.ReasonCode.Unreadable;
    }

    public FaceDetectionException(string message)
        : this(Decisions.ReasonCode.Unreadable, message, null)
    {
    }

    public FaceDetectionException(string message, Exception? innerException)
        : this(Decisions.ReasonCode.Unreadable, message, innerException)
    {
    }

    public FaceDetectionException(string reasonCode, string message, Exception? innerException)
        : base(message, innerException)
    {
        ReasonCode = reasonCode;
    }

    /// <summary>The reason code of SPEC §5 the refusal maps to.</summary>
    public string ReasonCode { get; }
}
