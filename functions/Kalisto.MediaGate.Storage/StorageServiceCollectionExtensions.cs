using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Previews;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// In the DI namespace, as the hosting extensions are, so Program.cs needs no extra using.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Storage's services: the Azure Storage adapters of Core's ports and the pipelines on them.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>The configuration name of the storage connection (as in the trigger attributes).</summary>
    public const string ConnectionName = "MediaStorage";

    /// <summary>
    /// Adds MediaGate on Azure Storage: its options (bound from <c>MediaGate:Storage</c>, validated at start), the
    /// Table Storage register and catalog, the upload pipeline and the consent lifecycle. They need Core's services
    /// (<c>AddMediaGateCore</c>) and the publishing ports (<c>AddMediaGateImaging</c>), which the host adds.
    /// The storage connection is read from <paramref name="connectionName"/> the way the Functions host
    /// reads it: a connection string, or <c>__blobServiceUri</c>/<c>__queueServiceUri</c>/<c>__tableServiceUri</c>
    /// with <c>__credential</c> and <c>__clientId</c> for a managed identity.
    /// </summary>
    public static IServiceCollection AddMediaGateStorage(this IServiceCollection services, string connectionName = ConnectionName)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddAzureClientsCore();
        services.TryAddSingleton(sp => MediaStorageConnection.FromConfiguration(
            sp.GetRequiredService<IConfiguration>().GetSection(connectionName),
            sp.GetRequiredService<AzureComponentFactory>()));
        services.TryAddSingleton(sp =>
        {
            var connection = sp.GetRequiredService<MediaStorageConnection>();
            return new MediaStorage(connection.Blobs, connection.Tables, connection.Queues, sp.GetRequiredService<IOptions<StorageOptions>>(), connection.Credential);
        });
        services.TryAddSingleton<TableConsentRegister>();
        services.TryAddSingleton<IConsentRegister>(sp => sp.GetRequiredService<TableConsentRegister>());
        services.TryAddSingleton<ItemCatalog>();
        services.TryAddSingleton<ItemScreener>();
        services.TryAddSingleton<ItemMoves>();
        services.TryAddSingleton<UploadScreening>();
        services.TryAddSingleton<FaceScanning>();
        services.TryAddSingleton<RedactionPublishing>();
        services.TryAddSingleton<PreviewStore>();
        services.TryAddSingleton<PreviewPublishing>();
        services.TryAddSingleton<RescreenOutbox>();
        services.TryAddSingleton<ConsentChanges>();
        services.TryAddSingleton<ItemRescreening>();
        services.TryAddSingleton<ItemReconciliation>();
        services.TryAddSingleton<ConsentExpiry>();
        services.TryAddSingleton<AuditExport>();
        services.TryAddSingleton<PublishedCopies>();
        services.TryAddSingleton<UploadLedger>();
        services.TryAddSingleton<UploadGrants>();
        services.TryAddSingleton<UploadHistory>();
        return services;
    }
}
