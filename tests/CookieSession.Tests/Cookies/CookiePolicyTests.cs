using CookieSession.Tests.Formats.Protected;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Cookies;

/// <summary>The session cookie goes through Response.Cookies, so ASP.NET's cookie policy applies to it.</summary>
public sealed class CookiePolicyTests
{
    private static readonly RequestDelegate s_setUser = Handlers.Store("user", "ana");

    [Fact]
    public async Task CookiePolicy_MinimumSameSite_IsApplied()
    {
        await using var host = await SessionTestHost.StartAsync(
            s_setUser,
            configure: null,
            services: s => s.Configure<CookiePolicyOptions>(o => o.MinimumSameSitePolicy = SameSiteMode.Strict),
            beforeSession: app => app.UseCookiePolicy());

        var header = Assert.Single((await host.SendAsync()).SetCookieHeaders);

        Assert.Contains("samesite=strict", header, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CookiePolicy_ConsentNotGiven_WithholdsNonEssentialCookieAndSaysSo()
    {
        await using var host = await SessionTestHost.StartAsync(
            s_setUser,
            configure: null,
            services: s => s.Configure<CookiePolicyOptions>(o => o.CheckConsentNeeded = _ => true),
            beforeSession: app => app.UseCookiePolicy());

        var transaction = await host.SendAsync();

        Assert.Empty(transaction.SetCookies);
        Assert.Single(host.LogsOf("NoTrackingConsent"));
    }

    [Fact]
    public async Task CookiePolicy_ConsentNotGivenButEssential_WritesCookie()
    {
        await using var host = await SessionTestHost.StartAsync(
            s_setUser,
            configure: o => o.Cookie.IsEssential = true,
            services: s => s.Configure<CookiePolicyOptions>(o => o.CheckConsentNeeded = _ => true),
            beforeSession: app => app.UseCookiePolicy());

        var transaction = await host.SendAsync();

        Assert.NotNull(transaction.SessionCookie());
        Assert.Empty(host.LogsOf("NoTrackingConsent"));
    }

    [Theory]
    [InlineData(CookieSessionFormat.Connect)]
    [InlineData(CookieSessionFormat.Protected)]
    public async Task CookiePolicy_SecureAndSameSite_ApplyToEveryFormat(CookieSessionFormat format)
    {
        await using var host = await SessionTestHost.StartAsync(
            s_setUser,
            o => o.Format = format,
            services: s =>
            {
                s.AddDataProtection().SetApplicationName("tests").PersistKeysToFileSystem(new DirectoryInfo(ProtectedHost.NewKeyFolder()));
                s.Configure<CookiePolicyOptions>(o =>
                {
                    o.Secure = CookieSecurePolicy.Always;
                    o.MinimumSameSitePolicy = SameSiteMode.Strict;
                });
            },
            beforeSession: app => app.UseCookiePolicy());

        var header = Assert.Single((await host.SendAsync()).SetCookieHeaders);

        Assert.Contains("secure", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", header, StringComparison.OrdinalIgnoreCase);
    }
}
