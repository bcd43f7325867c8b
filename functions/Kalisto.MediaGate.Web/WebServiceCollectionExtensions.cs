using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Web.Access;
using Kalisto.MediaGate.Web.Api;
using Kalisto.MediaGate.Web.Pages;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// In the DI namespace, as the hosting extensions are, so a host's Program.cs needs no extra using.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>The web layer's services; a host composes them with Core's, Imaging's and Storage's.</summary>
public static class WebServiceCollectionExtensions
{
    /// <summary>
    /// Adds the HTTP API's handlers, its JSON (snake_case, absent values left out), who may do what
    /// (<c>MediaGate:Access</c>, validated at start) and sign-in by App Service Authentication (the header trusted only
    /// when the platform's authentication is on). <c>mediagate serve</c> replaces the sign-in with the development one
    /// (<c>AddMediaGateDevelopmentSignIn</c>).
    /// </summary>
    public static IServiceCollection AddMediaGateWeb(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccessOptions>, AccessOptionsValidator>());
        services.AddAuthentication(AppServiceAuthenticationDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, AppServiceAuthenticationHandler>(AppServiceAuthenticationDefaults.Scheme, null);
        services.AddAuthorization();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, SchoolPermissionHandler>());
        services.TryAddSingleton<ApiAccess>();
        services.AddRazorComponents();
        services.AddOptions<PageOptions>();
        services.TryAddSingleton<PageAccess>();
        services.TryAddSingleton<SchoolApi>();
        services.TryAddSingleton<PreviewApi>();
        services.TryAddSingleton<UploadApi>();
        return services;
    }
}
