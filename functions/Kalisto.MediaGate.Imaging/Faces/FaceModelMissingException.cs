namespace Kalisto.MediaGate.Imaging.Faces;

/// <summary>
/// The BlazeFace model is not where the detector looks for it (<see cref="FaceDetectionOptions.ModelPath"/>;
/// <c>npm ci</c> before the build brings it) or cannot be loaded. A problem of the deployment, not of the
/// image: the caller fails closed (retries, or holds the item), and no image passes as "no faces" meanwhile.
/// </summary>
public sealed class FaceModelMissingException : Exception
{
    public FaceModelMissingException()
    {
    }

    public FaceModelMissingException(string message)
        : base(message)
    {
    }

    public FaceModelMissingException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
