using CookieSession.Tests.Formats.Protected;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CookieSession.Tests.Diagnostics;

/// <summary>The key ring health check's registration; its states through a real outage are in KeyStoreOutageTests.</summary>
public sealed class KeyRingHealthCheckTests
{
    [Fact]
    public void AddCookieSessionKeyRing_RegistersOneCheckForReadiness()
    {
        var services = new ServiceCollection();
        services.AddCookieSession(o => o.Format = CookieSessionFormat.Protected);
        services.AddHealthChecks().AddCookieSessionKeyRing();
        using var provider = services.BuildServiceProvider();

        var registration = Assert.Single(provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations);

        Assert.Equal(CookieSessionDefaults.KeyRingHealthCheckName, registration.Name);
        Assert.Equal([CookieSessionDefaults.ReadinessTag], registration.Tags);
        Assert.Equal(HealthStatus.Unhealthy, registration.FailureStatus);
    }

    [Fact]
    public async Task CheckHealth_KeyRingInAReadableFolder_IsHealthyAndNamesTheKeyStore()
    {
        var keys = ProtectedHost.NewKeyFolder();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("shop").PersistKeysToFileSystem(new DirectoryInfo(keys));
        services.AddCookieSession(o => o.Format = CookieSessionFormat.Protected);
        services.AddHealthChecks().AddCookieSessionKeyRing(name: "keys", tags: ["ready", "keys"]);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        var entry = report.Entries["keys"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("FileSystemXmlRepository", entry.Data["keyStore"]);
        Assert.Equal(["ready", "keys"], entry.Tags);
    }
}
