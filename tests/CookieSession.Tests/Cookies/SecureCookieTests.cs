using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Cookies;

/// <summary>Which combinations of policy, transport and proxy write the cookie, and whether it is marked Secure.</summary>
public sealed class SecureCookieTests
{
    [Theory]
    // policy,                         scheme,  trust,  X-Forwarded-Proto, written, secure
    [InlineData(CookieSecurePolicy.Always, "http", false, null, false, false)]
    [InlineData(CookieSecurePolicy.Always, "https", false, null, true, true)]
    [InlineData(CookieSecurePolicy.Always, "http", true, "https", true, true)]
    [InlineData(CookieSecurePolicy.Always, "http", true, " HTTPS ", true, true)]
    [InlineData(CookieSecurePolicy.Always, "http", true, "http", false, false)]
    [InlineData(CookieSecurePolicy.Always, "http", false, "https", false, false)]
    [InlineData(CookieSecurePolicy.SameAsRequest, "http", false, null, true, false)]
    [InlineData(CookieSecurePolicy.SameAsRequest, "https", false, null, true, true)]
    [InlineData(CookieSecurePolicy.SameAsRequest, "http", true, "https", true, true)]
    [InlineData(CookieSecurePolicy.SameAsRequest, "http", false, "https", true, false)]
    [InlineData(CookieSecurePolicy.None, "https", false, null, true, false)]
    [InlineData(CookieSecurePolicy.None, "http", true, "https", true, false)]
    public async Task Write_PolicyTransportProxy_DecideCookieAndSecureFlag(
        CookieSecurePolicy policy, string scheme, bool trustProxy, string? forwardedProto, bool written, bool secure)
    {
        await using var host = await SessionTestHost.StartAsync(
            Handlers.Store("n", 1),
            o =>
            {
                o.Cookie.SecurePolicy = policy;
                o.TrustProxy = trustProxy;
            });

        var transaction = await host.SendAsync($"{scheme}://localhost/", configure: r =>
        {
            if (forwardedProto is not null)
            {
                r.Headers.Add("X-Forwarded-Proto", forwardedProto);
            }
        });

        var cookie = transaction.SessionCookie();
        Assert.Equal(written, cookie is not null);
        Assert.Equal(secure, cookie?.Secure ?? false);
    }

    [Fact]
    public async Task Write_SecureCookieOverPlainHttp_WarnsOnceNamingTheFix()
    {
        await using var host = await SessionTestHost.StartAsync(Handlers.Store("n", 1), o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);

        await host.SendAsync("http://localhost/");
        await host.SendAsync("http://localhost/");

        var warning = Assert.Single(host.LogsOf("NotSecuredFirstTime"));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("UseForwardedHeaders", warning.Message, StringComparison.Ordinal);
        Assert.Contains("TrustProxy", warning.Message, StringComparison.Ordinal);
        Assert.Equal(2, host.LogsOf("NotSecured").Count);
    }

    [Theory]
    [InlineData(SameSiteMode.Lax, "lax")]
    [InlineData(SameSiteMode.Strict, "strict")]
    [InlineData(SameSiteMode.None, "none")]
    public async Task Write_SameSite_IsWritten(SameSiteMode mode, string expected)
    {
        await using var host = await SessionTestHost.StartAsync(
            Handlers.Store("n", 1),
            o => o.Cookie.SameSite = mode);

        var header = Assert.Single((await host.SendAsync("https://localhost/")).SetCookieHeaders);
        Assert.Contains("samesite=" + expected, header, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Write_PartitionedWithPerResponseSecurePolicyNone_NeverWithoutSecure()
    {
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                var session = context.GetCookieSession();
                session.Cookie.SecurePolicy = CookieSecurePolicy.None;
                session.Set("user", "ana");
                await context.Response.WriteAsync("ok");
            },
            o =>
            {
                o.Partitioned = true;
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            });

        var header = Assert.Single((await host.SendAsync("https://localhost/")).SetCookieHeaders);

        Assert.False(header.Contains("partitioned", StringComparison.OrdinalIgnoreCase) && !header.Contains("secure", StringComparison.OrdinalIgnoreCase), header);
    }
}
