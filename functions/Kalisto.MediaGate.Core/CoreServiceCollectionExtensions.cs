using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Tags;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// In the DI namespace, as the hosting extensions are, so a host's Program.cs needs no extra using.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Core's services: the options of the register and the tag reader, the tag reader and the decision rules.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the consent and tag reader options (bound from <c>MediaGate:Consent</c>, <c>MediaGate:Faces</c> and <c>MediaGate:Tags</c> of the
    /// host's configuration, validated at start), the clock, the screening metrics, the tag reader and the decision rules.
    /// </summary>
    public static IServiceCollection AddMediaGateCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ConsentOptions>().BindConfiguration(ConsentOptions.Section).ValidateDataAnnotations()
            .Validate(
                o => o.ChannelSet().Count > 0 && IsValidPattern(o.SubjectIdPattern) && IsKnownTimeZone(o.TimeZone),
                "MediaGate:Consent needs at least one channel, a valid SubjectIdPattern and a known TimeZone.")
            .ValidateOnStart();
        services.AddOptions<FaceOptions>().BindConfiguration(FaceOptions.Section).ValidateOnStart();
        services.AddOptions<TagReaderOptions>().BindConfiguration(TagReaderOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ScreeningMetrics>();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ConsentOptions>>().Value);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<FaceOptions>>().Value);
        services.TryAddSingleton<ITagReader, TagReader>();
        services.TryAddSingleton<DecisionRules>();
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
