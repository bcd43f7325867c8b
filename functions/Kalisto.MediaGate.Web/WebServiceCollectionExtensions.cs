using Kalisto.MediaGate.Web.Api;
using Microsoft.Extensions.DependencyInjection.Extensions;

// In the DI namespace, as the hosting extensions are, so a host's Program.cs needs no extra using.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>The web layer's services; a host composes them with Core's, Imaging's and Storage's.</summary>
public static class WebServiceCollectionExtensions
{
    /// <summary>Adds the HTTP API's handlers and its JSON (snake_case, absent values left out) for every host's results.</summary>
    public static IServiceCollection AddMediaGateWeb(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.TryAddSingleton<SchoolApi>();
        services.TryAddSingleton<UploadApi>();
        return services;
    }
}
