using System.Globalization;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace CookieSession.Cluster.Orchestration;

/// <summary>
/// The load balancer in front of the instances: YARP, round robin (so a session moves to another instance on every
/// request), with an active health check of each instance's <c>/healthz</c> that takes a failing one out of rotation
/// after one failed probe and puts it back after one good one.
/// </summary>
internal sealed class FrontDoor : IAsyncDisposable
{
    public const string ClusterId = "app";

    /// <summary>How often each instance is probed; an instance's drain delay is longer than this plus a probe's timeout.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    private readonly WebApplication _app;

    private FrontDoor(WebApplication app) => _app = app;

    public Uri Address => new(_app.Urls.First());

    public static async Task<FrontDoor> StartAsync(int port, IEnumerable<InstanceProcess> instances)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        builder.Logging.ClearProviders();
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = ClusterId, Match = new RouteMatch { Path = "/{**rest}" } }],
            [new ClusterConfig
            {
                ClusterId = ClusterId,
                LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
                Destinations = instances.ToDictionary(i => i.Name, i => new DestinationConfig { Address = i.Address.ToString() }),
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = ProbeInterval,
                        Timeout = TimeSpan.FromSeconds(1),
                        Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                        Path = "/healthz",
                    },
                },
                Metadata = new Dictionary<string, string> { ["ConsecutiveFailuresHealthPolicy.Threshold"] = "1" },
            }]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        return new FrontDoor(app);
    }

    /// <summary>Whether the front door's health check currently sends requests to the instance.</summary>
    public bool IsInRotation(string name)
    {
        var lookup = _app.Services.GetRequiredService<IProxyStateLookup>();
        return lookup.TryGetCluster(ClusterId, out var cluster)
            && cluster.Destinations.TryGetValue(name, out var destination)
            && destination.Health.Active != DestinationHealth.Unhealthy;
    }

    /// <summary>Waits until the front door's probe has seen the instance healthy, so that it takes requests again.</summary>
    public Task<bool> WaitInRotationAsync(string name, TimeSpan timeout) => WaitForAsync(name, DestinationHealth.Healthy, timeout);

    /// <summary>Waits until the front door's probe has seen the instance failing, so that it takes no requests.</summary>
    public Task<bool> WaitOutOfRotationAsync(string name, TimeSpan timeout) => WaitForAsync(name, DestinationHealth.Unhealthy, timeout);

    private async Task<bool> WaitForAsync(string name, DestinationHealth health, TimeSpan timeout)
    {
        var lookup = _app.Services.GetRequiredService<IProxyStateLookup>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (lookup.TryGetCluster(ClusterId, out var cluster)
                && cluster.Destinations.TryGetValue(name, out var destination)
                && destination.Health.Active == health)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
