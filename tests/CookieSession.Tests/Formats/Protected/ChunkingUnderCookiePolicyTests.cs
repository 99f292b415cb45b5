using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Formats.Protected;

/// <summary>
/// Chunks go through Response.Cookies, whose cookie policy may lengthen every cookie after the first (it sets the
/// attributes on the very options it is given): each chunk must still be written, and fit in a cookie.
/// </summary>
public sealed class ChunkingUnderCookiePolicyTests
{
    private static readonly RequestDelegate s_blob = async context =>
    {
        context.GetCookieSession().Set("blob", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2500)));
        await context.Response.WriteAsync("ok");
    };

    [Theory]
    [InlineData("samesite")]
    [InlineData("secure")]
    public async Task LargeSession_UnderAPolicyThatStrengthensAttributes_IsChunkedAndWritten(string policy)
    {
        var keys = ProtectedHost.NewKeyFolder();
        await using var host = await SessionTestHost.StartAsync(
            s_blob,
            o => o.Format = CookieSessionFormat.Protected,
            services: s =>
            {
                s.AddDataProtection().SetApplicationName("tests").PersistKeysToFileSystem(new DirectoryInfo(keys));
                s.Configure<CookiePolicyOptions>(o =>
                {
                    if (policy == "samesite")
                    {
                        o.MinimumSameSitePolicy = SameSiteMode.Strict;
                    }
                    else
                    {
                        o.Secure = CookieSecurePolicy.Always;
                    }
                });
            },
            beforeSession: app => app.UseCookiePolicy(),
            withDefaultSecret: false);

        var written = await host.SendAsync();

        Assert.Equal("ok", written.Body);
        Assert.True(written.SetCookieHeaders.Count >= 3, string.Join(" | ", written.SetCookieHeaders.Select(h => h.Length)));
        Assert.All(written.SetCookieHeaders, h => Assert.True(h.Length <= 4096, $"{h.Length} bytes"));
    }

    [Fact]
    public async Task ConsentWithheld_NeverLeavesHalfAChunkedCookie()
    {
        // A new single cookie withheld while the deletions of its old chunks go out would leave a count without chunks.
        var keys = ProtectedHost.NewKeyFolder();
        await using var before = await ProtectedHost.StartAsync(ProtectedHost.Blob, keys: keys);
        await using var withPolicy = await SessionTestHost.StartAsync(
            ProtectedHost.Blob,
            o => o.Format = CookieSessionFormat.Protected,
            services: s =>
            {
                s.AddDataProtection().SetApplicationName("tests").PersistKeysToFileSystem(new DirectoryInfo(keys));
                s.Configure<CookiePolicyOptions>(o => o.CheckConsentNeeded = _ => true);
            },
            beforeSession: app => app.UseCookiePolicy(),
            withDefaultSecret: false);
        var jar = new CookieJar();
        await jar.SendAsync(before, "/?length=5000");

        var shrunk = await jar.SendAsync(withPolicy, "/?length=10");
        var next = await jar.SendAsync(withPolicy, "/");

        Assert.True(next.Body is "10" or "5000", $"session lost; jar: {string.Join("; ", jar.Cookies.Keys)}; sent: {string.Join(" | ", shrunk.SetCookieHeaders)}");
    }
}
