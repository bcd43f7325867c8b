using Kalisto.MediaGate.Imaging.Faces;

namespace Kalisto.MediaGate.Imaging.Tests.Faces;

/// <summary>
/// The BlazeFace model in the test's output (copied by the build from node_modules after <c>npm ci</c>). Tests that
/// need it skip when it is absent, except on CI (<c>CI=true</c>), which installs it: there they fail.
/// </summary>
internal static class FaceModel
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, FaceDetector.DefaultModelPath);

    public static FaceDetector Require()
    {
        var missing = $"The face model is not at {Path}: run `npm ci` in the repository, then build again.";
        if (!File.Exists(Path))
        {
            Assert.False(
                string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                $"{missing} CI installs it, so on CI this fails.");
            Skip.If(true, $"{missing} Tests of the model skipped.");
        }

        return new FaceDetector();
    }
}
