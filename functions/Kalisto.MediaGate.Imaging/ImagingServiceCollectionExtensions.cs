using Kalisto.MediaGate.Imaging;
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

/// <summary>Imaging's services: Core's publishing ports (stripping, the publication check, redaction, previews) on ImageSharp.</summary>
public static class ImagingServiceCollectionExtensions
{
    /// <summary>Adds the imaging options (bound from <c>MediaGate:Imaging</c>, validated at start) and the publishing ports.</summary>
    public static IServiceCollection AddMediaGateImaging(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ImagingOptions>().BindConfiguration(ImagingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IMetadataStripper, MetadataStripper>();
        services.TryAddSingleton<IPublicationCheck, PublicationCheck>();
        services.TryAddSingleton<IImageRedactor, ImageRedactor>();
        services.TryAddSingleton<IPreviewMaker, PreviewMaker>();
        return services;
    }
}
