using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Imaging;
using Kalisto.MediaGate.Imaging.Faces;
using Kalisto.MediaGate.Imaging.Previews;
using Kalisto.MediaGate.Imaging.Publishing;
using Kalisto.MediaGate.Imaging.Redaction;
using Kalisto.MediaGate.Imaging.Stripping;
using Kalisto.MediaGate.Publishing;
using Microsoft.Extensions.DependencyInjection.Extensions;

// In the DI namespace, as the hosting extensions are, so a host's Program.cs needs no extra using.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Imaging's services: Core's publishing ports (stripping, the publication check, redaction, previews) on ImageSharp, and face detection on ONNX Runtime.</summary>
public static class ImagingServiceCollectionExtensions
{
    /// <summary>Adds the imaging options (bound from <c>MediaGate:Imaging</c>, validated at start) the publishing ports and the face detector.</summary>
    public static IServiceCollection AddMediaGateImaging(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ImagingOptions>().BindConfiguration(ImagingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IMetadataStripper, MetadataStripper>();
        services.TryAddSingleton<IPublicationCheck, PublicationCheck>();
        services.TryAddSingleton<IImageRedactor, ImageRedactor>();
        services.TryAddSingleton<IPreviewMaker, PreviewMaker>();

        // One detector per process: it holds the model session, whose runs are bounded by its options.
        services.AddOptions<FaceDetectionOptions>().BindConfiguration(FaceDetectionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<FaceDetector>();
        services.TryAddSingleton<IFaceDetector, FaceScanner>();
        return services;
    }
}
