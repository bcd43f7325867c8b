using Kalisto.MediaGate.Consent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Storage.Tests.Configuration;

public sealed class OptionsBindingTests
{
    [Fact]
    public void Configured_channels_replace_the_default_set()
    {
        var options = Bind(new() { ["MediaGate:Consent:Channels:0"] = "website", ["MediaGate:Consent:Channels:1"] = "intranet" });

        Assert.Equal(["intranet", "website"], options.Value.ChannelSet());
    }

    [Fact]
    public void Without_configuration_the_five_channels_of_the_specification_apply()
    {
        var options = Bind([]);

        Assert.Equal(["newsletter", "parentportal", "schoolguide", "socialmedia", "website"], options.Value.ChannelSet());
    }

    [Fact]
    public void An_invalid_subject_id_pattern_is_refused_at_start()
    {
        var options = Bind(new() { ["MediaGate:Consent:SubjectIdPattern"] = "(unclosed" });

        Assert.Throws<OptionsValidationException>(() => options.Value);
    }

    private static IOptions<ConsentOptions> Bind(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddMediaGateCore().AddMediaGateImaging().AddMediaGateStorage();
        return services.BuildServiceProvider().GetRequiredService<IOptions<ConsentOptions>>();
    }
}
