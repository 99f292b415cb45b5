using CookieSession.Diagnostics;
using CookieSession.Formats.Protected;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CookieSession;

/// <summary>Adds the health check of the key ring that <see cref="CookieSessionFormat.Protected"/> sessions depend on.</summary>
public static class CookieSessionHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check of the Data Protection key ring as Protected sessions use it to seal and open:
    /// <see cref="HealthStatus.Healthy"/> while its key store answers and sessions are sealed with a key the store does
    /// not list as revoked (Data Protection's default, or the store's own when Data Protection's cached ring is behind);
    /// <see cref="HealthStatus.Degraded"/> when the ring was read but the store does not answer now (sessions are served
    /// from the cached ring, keys created or revoked since are not seen), or when the cached ring is behind the store and
    /// the store's keys cannot stand in for it; <paramref name="failureStatus"/> when
    /// the ring was never read (Protected cookies cannot be opened, and no session can be written). The store is read in
    /// the background every <see cref="CookieSessionOptions.KeyRingReloadInterval"/>; the check reads what was found.
    /// Tagged <c>ready</c> by default: use it for readiness, not liveness, so that an outage of the key store takes
    /// instances out of a load balancer instead of making an orchestrator restart every one of them.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. Default: <see cref="CookieSessionDefaults.KeyRingHealthCheckName"/>.</param>
    /// <param name="failureStatus">
    /// The status when the key ring was never read. Default: <see langword="null"/>, which is
    /// <see cref="HealthStatus.Unhealthy"/>.
    /// </param>
    /// <param name="tags">The check's tags. Default: <c>ready</c>.</param>
    public static IHealthChecksBuilder AddCookieSessionKeyRing(
        this IHealthChecksBuilder builder,
        string? name = null,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<KeyRingMonitor>();
        return builder.Add(new HealthCheckRegistration(
            name ?? CookieSessionDefaults.KeyRingHealthCheckName,
            static services => new KeyRingHealthCheck(services.GetRequiredService<KeyRingMonitor>()),
            failureStatus,
            tags ?? [CookieSessionDefaults.ReadinessTag]));
    }
}
