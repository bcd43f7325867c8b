using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Imaging;
using Kalisto.MediaGate.Imaging.Publishing;
using Kalisto.MediaGate.Imaging.Redaction;
using Kalisto.MediaGate.Imaging.Stripping;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Api;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tags;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// In the DI namespace, as the hosting extensions are, so Program.cs needs no extra using.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>The one place MediaGate is wired: the Functions app and the command line both call it.</summary>
public static class MediaGateServiceCollectionExtensions
{
    /// <summary>The configuration name of the storage connection (as in the trigger attributes).</summary>
    public const string ConnectionName = "MediaStorage";

    /// <summary>
    /// Adds MediaGate on Azure Storage: options (bound from <c>MediaGate:*</c>, validated at start), the tag
    /// reader, decision rules, publishing, the Table Storage register and catalog, and the upload pipeline.
    /// The storage connection is read from <paramref name="connectionName"/> the way the Functions host
    /// reads it: a connection string, or <c>__blobServiceUri</c>/<c>__queueServiceUri</c>/<c>__tableServiceUri</c>
    /// with <c>__credential</c> and <c>__clientId</c> for a managed identity.
    /// </summary>
    public static IServiceCollection AddMediaGate(this IServiceCollection services, string connectionName = ConnectionName)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ConsentOptions>().BindConfiguration(ConsentOptions.Section).ValidateDataAnnotations()
            .Validate(
                o => o.ChannelSet().Count > 0 && IsValidPattern(o.SubjectIdPattern) && IsKnownTimeZone(o.TimeZone),
                "MediaGate:Consent needs at least one channel, a valid SubjectIdPattern and a known TimeZone.")
            .ValidateOnStart();
        services.AddOptions<TagReaderOptions>().BindConfiguration(TagReaderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ImagingOptions>().BindConfiguration(ImagingOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ScreeningMetrics>();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ConsentOptions>>().Value);
        services.TryAddSingleton<ITagReader, TagReader>();
        services.TryAddSingleton<DecisionRules>();
        services.TryAddSingleton<IMetadataStripper, MetadataStripper>();
        services.TryAddSingleton<IPublicationCheck, PublicationCheck>();
        services.TryAddSingleton<IImageRedactor, ImageRedactor>();

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
        services.TryAddSingleton<RedactionPublishing>();
        services.TryAddSingleton<RescreenOutbox>();
        services.TryAddSingleton<ConsentChanges>();
        services.TryAddSingleton<ItemRescreening>();
        services.TryAddSingleton<ItemReconciliation>();
        services.TryAddSingleton<ConsentExpiry>();
        services.TryAddSingleton<AuditExport>();
        services.TryAddSingleton<PublishedCopies>();
        services.TryAddSingleton<SchoolApi>();
        return services;
    }

    private static bool IsValidPattern(string pattern)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsKnownTimeZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
