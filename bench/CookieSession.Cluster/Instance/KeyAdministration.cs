using System.Net;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;

namespace CookieSession.Cluster.Instance;

/// <summary>
/// The operator's key commands, as an instance's own endpoints: list the key ring, make a new default key, revoke a key.
/// Answered only to a direct loopback caller (the run's orchestrator), never through the front door, which adds
/// X-Forwarded-For to everything it forwards.
/// </summary>
internal static class KeyAdministration
{
    public static void MapKeyAdministration(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/keys").AddEndpointFilter(LoopbackOnly);

        admin.MapGet("", (IKeyManager keys, IKeyRingProvider rings) =>
        {
            var defaultKey = rings.GetCurrentKeyRing().DefaultKeyId;
            return keys.GetAllKeys()
                .OrderBy(k => k.ActivationDate)
                .Select(k => new KeyView(k.KeyId, k.ActivationDate, k.ExpirationDate, k.IsRevoked, k.KeyId == defaultKey));
        });

        // Active from now, as an operator's rotation is: the instance that makes it uses it at once, the others once
        // they read the ring again.
        admin.MapPost("/new", (IKeyManager keys) =>
        {
            var now = TimeProvider.System.GetUtcNow();
            return keys.CreateNewKey(now, now.AddDays(90)).KeyId;
        });

        admin.MapPost("/{id:guid}/revoke", (Guid id, IKeyManager keys) =>
        {
            keys.RevokeKey(id, "revoked by the cluster run");
            return Results.NoContent();
        });
    }

    private static ValueTask<object?> LoopbackOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var direct = http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
            && !http.Request.Headers.ContainsKey("X-Forwarded-For");
        return direct ? next(context) : ValueTask.FromResult<object?>(Results.NotFound());
    }

    internal sealed record KeyView(Guid Id, DateTimeOffset Activation, DateTimeOffset Expiration, bool Revoked, bool Default);
}
