using System.Globalization;
using CookieSession.Formats.Protected;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CookieSession.Diagnostics;

/// <summary>
/// The Data Protection key ring as the Protected format uses it to seal and open (<see cref="KeyRingMonitor.State"/>):
/// readable is Healthy; stale (read once, the key store not answering now, or the cached ring behind the store in a way
/// the store's own keys do not make up for) is Degraded; unreadable (never read) is the registration's failure status.
/// </summary>
internal sealed class KeyRingHealthCheck(KeyRingMonitor monitor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // The first check of an application that has not used the key ring yet starts the reads.
        monitor.StartAndWait(CookieSessionDefaults.KeyStoreWait);
        if (!monitor.CanWatch)
        {
            return Task.FromResult(HealthCheckResult.Healthy("No Data Protection key ring is registered: there is nothing to read."));
        }

        var data = new Dictionary<string, object>
        {
            ["keyStore"] = monitor.KeyStore,
            ["reloadInterval"] = monitor.ReloadInterval.ToString("c", CultureInfo.InvariantCulture),
        };
        if (monitor.LastRead is { } read)
        {
            data["lastRead"] = read.ToString("O", CultureInfo.InvariantCulture);
        }

        if (monitor.FailingSince is { } since)
        {
            data["failingSince"] = since.ToString("O", CultureInfo.InvariantCulture);
        }

        if (monitor.Error is { } error)
        {
            data["error"] = error;
        }

        var result = monitor.State switch
        {
            KeyRingState.Readable => HealthCheckResult.Healthy($"The Data Protection key ring is read from {monitor.KeyStore}.", data),
            KeyRingState.Stale when monitor.Error is null && DateTimeOffset.UtcNow - monitor.LastRead <= 3 * monitor.ReloadInterval
                => HealthCheckResult.Degraded(
                    $"The Data Protection key ring cached here is behind its key store ({monitor.KeyStore}) and the store's keys cannot stand in for it: sessions are sealed with a key the store lists as revoked, or cookies under keys created on another server are not opened, until Data Protection reloads its ring.",
                    data: data),
            KeyRingState.Stale => HealthCheckResult.Degraded(
                $"The Data Protection key store ({monitor.KeyStore}) does not answer: sessions are served from the cached key ring; keys created or revoked since are not seen.",
                data: data),
            _ => new HealthCheckResult(
                context.Registration.FailureStatus,
                $"The Data Protection key ring has not been read from {monitor.KeyStore}: Protected sessions are unavailable and none can be written.",
                data: data),
        };
        return Task.FromResult(result);
    }
}
