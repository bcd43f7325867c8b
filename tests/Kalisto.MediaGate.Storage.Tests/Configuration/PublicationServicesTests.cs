using Kalisto.MediaGate.Imaging.Publishing;
using Kalisto.MediaGate.Publishing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Storage.Tests.Configuration;

public sealed class PublicationServicesTests
{
    [Fact]
    public void The_publication_check_is_one_instance_for_the_process()
    {
        var services = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddMediaGateCore().AddMediaGateImaging().AddMediaGateStorage();
        using var provider = services.BuildServiceProvider();

        var check = provider.GetRequiredService<IPublicationCheck>();

        Assert.IsType<PublicationCheck>(check);
        Assert.Same(check, provider.GetRequiredService<IPublicationCheck>());
    }
}
