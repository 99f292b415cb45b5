using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace CookieSession.Snippets;

/// <summary>Many servers on one key ring, and the key ring's health check (docs/many-servers.md).</summary>
internal static class ManyServers
{
    public static void KeyRingInRedis(WebApplicationBuilder builder)
    {
        // <key-ring-in-redis>
        // abortConnect=false: the application starts while Redis is down, and reconnects when it is back.
        var redis = ConnectionMultiplexer.Connect(new ConfigurationOptions
        {
            EndPoints = { "redis:6379" },
            AbortOnConnectFail = false,
        });
        builder.Services.AddDataProtection()
            .SetApplicationName("shop")
            .PersistKeysToStackExchangeRedis(redis, "shop-keys");
        builder.Services.AddCookieSession(o => o.Format = CookieSessionFormat.Protected);
        // </key-ring-in-redis>
    }

    public static void HealthCheck(WebApplicationBuilder builder)
    {
        // <health-check>
        builder.Services.AddHealthChecks().AddCookieSessionKeyRing();   // tagged "ready"

        var app = builder.Build();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => !check.Tags.Contains("ready") });
        // </health-check>
    }

    public static void Unavailable(WebApplication app)
    {
        // <unavailable>
        app.MapGet("/cart", (HttpContext context) =>
        {
            try
            {
                return Results.Ok(context.GetCookieSession().Get<int[]>("cart"));
            }
            catch (CookieSessionUnavailableException)
            {
                // The key store is down and this server cannot open the cookie: say so, and change nothing.
                return Results.Problem("Your cart is unavailable for a moment; please try again.", statusCode: 503);
            }
        });
        // </unavailable>
    }
}
