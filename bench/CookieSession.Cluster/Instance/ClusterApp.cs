using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace CookieSession.Cluster.Instance;

/// <summary>
/// One server of the application under test: Protected sessions whose Data Protection key ring lives in a shared
/// redis-server, a counter per session (<c>/count</c> adds one and answers it, <c>/peek</c> answers it unchanged), a
/// readiness check for the front door (<c>/healthz</c>) and the loopback-only key commands.
/// </summary>
internal static class ClusterApp
{
    /// <summary>The application name every instance shares: the key ring is shared only between equal names.</summary>
    public const string ApplicationName = "cookiesession-cluster";

    /// <summary>The Redis key of the key ring.</summary>
    public const string KeyRingKey = "cookiesession-cluster:data-protection-keys";

    /// <summary>Room for the drain delay and the requests in flight after it.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync(InstanceSettings settings)
    {
        // abortConnect=false: the instance starts, and keeps its connection retrying, when Redis is down.
        var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { settings.Redis },
            AbortOnConnectFail = false,
            ConnectTimeout = 2000,
            SyncTimeout = 2000,
            AsyncTimeout = 2000,
            ClientName = settings.Name,
        });

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{settings.Port.ToString(CultureInfo.InvariantCulture)}");
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(LogLevel.Warning)
            .AddFilter("CookieSession", LogLevel.Information); // each refused cookie and its reason, never its value
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToStackExchangeRedis(redis, KeyRingKey);
        builder.Services.AddCookieSession(o =>
        {
            o.Format = CookieSessionFormat.Protected;
            o.IdleTimeout = TimeSpan.FromMinutes(20);
            o.AbsoluteTimeout = TimeSpan.FromHours(8);
            o.KeyRingReloadInterval = TimeSpan.FromSeconds(10);
        });
        builder.Services.AddSingleton<DrainBeforeStop>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DrainBeforeStop>());
        builder.Services.AddHealthChecks().AddCheck<DrainBeforeStop>("drain").AddCookieSessionKeyRing();

        await using var app = builder.Build();
        app.UseCookieSession();
        app.MapHealthChecks("/healthz");
        app.MapKeyAdministration();

        app.MapGet("/count", (HttpContext context) =>
        {
            var session = context.GetCookieSession();
            var count = session.Get<int>("count") + 1;
            session.Set("count", count);
            return count.ToString(CultureInfo.InvariantCulture);
        });
        app.MapGet("/peek", (HttpContext context) => context.GetCookieSession().Get<int>("count").ToString(CultureInfo.InvariantCulture));

        await app.RunAsync();
        await redis.DisposeAsync();
        return 0;
    }
}
