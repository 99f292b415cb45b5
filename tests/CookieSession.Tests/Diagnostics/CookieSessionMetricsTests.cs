using System.Diagnostics.Metrics;
using CookieSession.Tests.Formats.Protected;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace CookieSession.Tests.Diagnostics;

/// <summary>The meter "CookieSession": what each outcome records, with the format and, for rejections, the reason.</summary>
public sealed class CookieSessionMetricsTests
{
    private static readonly RequestDelegate s_handler = async context =>
    {
        var session = context.GetCookieSession();
        switch (context.Request.Path.Value)
        {
            case "/store":
                session.Set("user", "ana");
                break;
            case "/clear":
                context.ClearCookieSession();
                break;
            default:
                _ = session.Get<string>("user");
                break;
        }

        await context.Response.WriteAsync("ok");
    };

    [Fact]
    public async Task Outcomes_AreCountedWithTheirFormat()
    {
        await using var host = await SessionTestHost.StartAsync(s_handler);
        var factory = host.Server.Services.GetRequiredService<IMeterFactory>();
        using var loaded = new MetricCollector<long>(factory, "CookieSession", "cookiesession.sessions.loaded");
        using var written = new MetricCollector<long>(factory, "CookieSession", "cookiesession.cookies.written");
        using var deleted = new MetricCollector<long>(factory, "CookieSession", "cookiesession.cookies.deleted");
        using var size = new MetricCollector<int>(factory, "CookieSession", "cookiesession.cookie.size");

        var store = await host.SendAsync("/store");
        await host.SendAsync("/read", store.CookieToSend());
        await host.SendAsync("/clear", store.CookieToSend());

        Assert.Equal(1, Assert.Single(written.GetMeasurementSnapshot()).Value);
        Assert.Equal("connect", Assert.Single(written.GetMeasurementSnapshot()).Tags["cookiesession.format"]);
        Assert.Equal(2, loaded.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(1, Assert.Single(deleted.GetMeasurementSnapshot()).Value);
        Assert.Equal(store.SetCookieHeaders.Single().Length, Assert.Single(size.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public async Task Rejections_AreCountedByReason()
    {
        await using var host = await SessionTestHost.StartAsync(s_handler);
        var factory = host.Server.Services.GetRequiredService<IMeterFactory>();
        using var rejected = new MetricCollector<long>(factory, "CookieSession", "cookiesession.cookies.rejected");

        await host.SendAsync("/read", TestSigning.SessionCookie("{\"user\":\"ana\"}", secret: "not the server's secret"));
        await host.SendAsync("/read", "connect.sess=j%3A%7B%7D");

        var reasons = rejected.GetMeasurementSnapshot().Select(m => (string)m.Tags["cookiesession.reason"]!).ToArray();
        Assert.Equal(["bad_signature", "unsigned"], reasons);
    }

    [Fact]
    public async Task Renewals_AreCountedApartFromWrites()
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Reader, o => o.IdleTimeout = TimeSpan.FromMinutes(20));
        var factory = host.Server.Services.GetRequiredService<IMeterFactory>();
        using var renewed = new MetricCollector<long>(factory, "CookieSession", "cookiesession.cookies.renewed");
        using var written = new MetricCollector<long>(factory, "CookieSession", "cookiesession.cookies.written");
        var cookie = $"{CookieSessionDefaults.ProtectedCookieName}={(await ProtectedFormatTests.WriteWith(host)).Value}";

        host.Time.Advance(TimeSpan.FromMinutes(11));
        await host.SendAsync(cookie: cookie);

        var renewal = Assert.Single(renewed.GetMeasurementSnapshot());
        Assert.Equal("protected", renewal.Tags["cookiesession.format"]);
        Assert.Empty(written.GetMeasurementSnapshot());
    }
}
