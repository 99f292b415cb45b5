using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CookieSession.Cluster.Instance;

/// <summary>
/// Graceful stop behind a load balancer: on SIGTERM the instance first reports itself unhealthy and keeps serving for
/// <see cref="Delay"/>, long enough for the front door's active health check to take it out of rotation; only then
/// does Kestrel stop accepting and finish the requests in flight (within the host's shutdown timeout).
/// </summary>
internal sealed class DrainBeforeStop(ILogger<DrainBeforeStop> logger) : IHostedLifecycleService, IHealthCheck
{
    /// <summary>Longer than the front door takes to notice (its probe interval times its failure threshold, plus a probe's time).</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(3);

    private volatile bool _draining;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(_draining ? HealthCheckResult.Unhealthy("stopping: draining before shutdown") : HealthCheckResult.Healthy());

    // Runs before any hosted service's StopAsync, so before Kestrel stops listening.
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        logger.LogWarning("Stopping: reporting unhealthy for {Delay} s before Kestrel stops", Delay.TotalSeconds);
        await Task.Delay(Delay, cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
