using CookieSession.Tests.Formats.Protected;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Session;

public sealed class LifecycleRegressionTests
{
    private const string Name = CookieSessionDefaults.CookieName;

    // Regression: ClearCookieSession, then any change that leaves the new session empty: the old cookie survives.
    [Theory]
    [InlineData("set-remove")]
    [InlineData("clear")]
    public async Task ClearCookie_ThenChangeLeavingItEmpty_StillDeletesTheOldCookie(string mode)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            if (context.Request.Path == "/login")
            {
                session.Set("user", "ana");
            }
            else if (context.Request.Path == "/logout")
            {
                context.ClearCookieSession();
                if (mode == "set-remove")
                {
                    session.Set("flash", "bye");
                    session.Remove("flash");
                }
                else
                {
                    context.Session.Clear(); // ISession.Clear, as ASP.NET sign-out code does
                }
            }

            await context.Response.WriteAsync(session.Get<string>("user") ?? "-");
        });
        var jar = new CookieJar();
        await jar.SendAsync(host, "/login");

        var logout = await jar.SendAsync(host, "/logout");
        var after = await jar.SendAsync(host, "/");

        Assert.Equal("-", after.Body);
        Assert.NotNull(logout.SessionCookie());
    }

    // Regression: RejectSession, then the app removes a key: the rejected cookie is not deleted.
    [Fact]
    public async Task RejectSession_ThenAppRemovesKey_DeletesTheCookie()
    {
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                var session = context.GetCookieSession();
                if (context.Request.Path == "/login")
                {
                    session.Set("user", "ana");
                }
                else
                {
                    session.Remove("user");
                }

                await context.Response.WriteAsync("ok");
            },
            o => o.OnValidateSession = c =>
            {
                if (c.HttpContext.Request.Path != "/login")
                {
                    c.RejectSession();
                }

                return Task.CompletedTask;
            });
        var jar = new CookieJar();
        await jar.SendAsync(host, "/login");

        var rejected = await jar.SendAsync(host, "/page");

        Assert.NotNull(rejected.SessionCookie());
    }

    // Regression: reading the session in OnValidateSession (the README recipe) counts as a use: Rolling re-sends on
    // requests that never touch the session, Vary/Cache-Control are changed (issue 7 defect 3 again).
    [Fact]
    public async Task OnValidateSession_ReadingSession_IsNotAUseByTheApplication()
    {
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                if (context.Request.Path == "/login")
                {
                    context.GetCookieSession().Set("user", "ana");
                }
                else
                {
                    context.Response.Headers.CacheControl = "public, max-age=3600";
                }

                await context.Response.WriteAsync("ok");
            },
            o =>
            {
                o.Rolling = true;
                o.OnValidateSession = c =>
                {
                    _ = c.Session.Get<string>("user");
                    return Task.CompletedTask;
                };
            });
        var jar = new CookieJar();
        await jar.SendAsync(host, "/login");

        var asset = await jar.SendAsync(host, "/site.css");

        Assert.Empty(asset.SetCookieHeaders);
        Assert.Equal("public, max-age=3600", asset.Header("Cache-Control"));
    }

    // Regression: a re-executing exception handler runs the middleware twice on one HttpContext: both commits fire.
    [Fact]
    public async Task ExceptionHandlerReExecute_OneSetCookieForTheSession()
    {
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                var session = context.GetCookieSession();
                if (context.Request.Path == "/error")
                {
                    session.Set("flash", "something went wrong");
                    await context.Response.WriteAsync("error page");
                    return;
                }

                session.Set("cart", "half-updated");
                throw new InvalidOperationException("boom");
            },
            configure: null,
            services: null,
            beforeSession: app => app.UseExceptionHandler("/error"));

        var transaction = await host.SendAsync("/checkout");

        var headers = transaction.SetCookieHeaders.Where(h => h.StartsWith(Name + "=", StringComparison.Ordinal)).ToList();
        Assert.True(headers.Count == 1, $"{headers.Count} Set-Cookie for {Name}:\n{string.Join("\n", headers)}");
    }

    // Regression: AbsoluteTimeout = TimeSpan.MaxValue passes validation and every write is a 500.
    [Fact]
    public async Task AbsoluteTimeout_MaxValue_FailsAtStartOrWorks()
    {
        SessionTestHost? host = null;
        try
        {
            host = await ProtectedHost.StartAsync(ProtectedHost.Counter, o => o.AbsoluteTimeout = TimeSpan.MaxValue);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException)
        {
            return;
        }

        await using (host)
        {
            var t = await host.SendAsync();
            Assert.Equal(System.Net.HttpStatusCode.OK, t.Status);
        }
    }

    [Fact]
    public async Task IdleTimeout_MaxValue_WithMaxAge_FailsAtStartOrWorks()
    {
        SessionTestHost? host = null;
        try
        {
            host = await ProtectedHost.StartAsync(ProtectedHost.Counter, o =>
            {
                o.IdleTimeout = TimeSpan.MaxValue;
                o.Cookie.MaxAge = TimeSpan.FromDays(30);
            });
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException)
        {
            return;
        }

        await using (host)
        {
            var t = await host.SendAsync();
            Assert.Equal(System.Net.HttpStatusCode.OK, t.Status);
        }
    }

    // Regression: the Protected format hand-writes Set-Cookie: CookiePolicy's Secure/MinimumSameSite do not apply,
    // although base64url would pass through Response.Cookies unescaped.
    [Theory]
    [InlineData(CookieSessionFormat.Connect)]
    [InlineData(CookieSessionFormat.Protected)]
    public async Task CookiePolicy_SecureAndSameSite_ApplyToEveryFormat(CookieSessionFormat format)
    {
        await using var host = await SessionTestHost.StartAsync(
            Handlers.Store("user", "ana"),
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

    // Regression: consent withheld: the new single cookie is withheld but the chunk deletions go out: the browser is
    // left with name=chunks-2 and no chunks.
    [Fact]
    public async Task ConsentWithheld_NeverLeavesHalfAChunkedCookie()
    {
        var keys = ProtectedHost.NewKeyFolder();
        RequestDelegate blob = async context =>
        {
            var session = context.GetCookieSession();
            if (context.Request.Query["length"] is [{ } length])
            {
                session.Set("blob", new string('x', int.Parse(length, System.Globalization.CultureInfo.InvariantCulture)));
            }

            await context.Response.WriteAsync((session.Get<string>("blob")?.Length ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        };
        await using var before = await ProtectedHost.StartAsync(blob, keys: keys);
        await using var withPolicy = await SessionTestHost.StartAsync(
            blob,
            o => o.Format = CookieSessionFormat.Protected,
            services: s =>
            {
                s.AddDataProtection().SetApplicationName("tests").PersistKeysToFileSystem(new DirectoryInfo(keys));
                s.Configure<CookiePolicyOptions>(o => o.CheckConsentNeeded = _ => true);
            },
            beforeSession: app => app.UseCookiePolicy(),
            withDefaultSecret: false);
        var jar = new CookieJar();
        await jar.SendAsync(before, "/?length=5000"); // chunked, written while consent was not required / given

        var shrunk = await jar.SendAsync(withPolicy, "/?length=10");
        var next = await jar.SendAsync(withPolicy, "/");

        Assert.True(next.Body is "10" or "5000", $"session lost; jar: {string.Join("; ", jar.Cookies.Keys)}; sent: {string.Join(" | ", shrunk.SetCookieHeaders)}");
    }

    // Regression: an extra chunk beyond the count refuses the whole session; concurrent requests produce exactly that.
    [Fact]
    public async Task ConcurrentWrites_GrowAndRewrite_DoNotLogOut()
    {
        RequestDelegate blob = async context =>
        {
            var session = context.GetCookieSession();
            if (context.Request.Query["length"] is [{ } length])
            {
                session.Set("blob", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture) / 2)));
            }

            await context.Response.WriteAsync((session.Get<string>("blob")?.Length ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        };
        await using var host = await ProtectedHost.StartAsync(blob, o => o.MaxChunkedSize = 16000);
        var jar = new CookieJar();
        await jar.SendAsync(host, "/?length=5000"); // 2 chunks
        var header = jar.Header;

        // Two tabs send the same cookies; A's response arrives first, then B's.
        var a = await host.SendAsync("/?length=10000", header); // 3 chunks
        var b = await host.SendAsync("/?length=5002", header);  // 2 chunks, knows nothing of C3
        jar.Keep(a);
        jar.Keep(b);
        var next = await jar.SendAsync(host, "/");

        Assert.Equal("5002", next.Body);
    }

    // Regression: AppendSignedCookie does not validate the cookie name on the fast path (Response.Cookies would throw).
    [Fact]
    public async Task AppendSignedCookie_NameWithAttributes_IsRefused()
    {
        Exception? error = null;
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                try
                {
                    context.Response.AppendSignedCookie("sid=attacker; Max-Age=99999999; Domain=example.com; x", "v");
                }
                catch (Exception e)
                {
                    error = e;
                }

                await context.Response.WriteAsync("ok");
            },
            configure: null,
            services: s => s.AddSignedCookies(o => o.Secret = "a cookie parser secret of 32 bytes!"));

        var t = await host.SendAsync();

        Assert.True(error is ArgumentException, "written: " + string.Join(" | ", t.SetCookieHeaders));
    }

    [Fact]
    public void ResponseCookies_NameWithAttributes_Throws()
    {
        var context = new DefaultHttpContext();
        Assert.ThrowsAny<ArgumentException>(() => context.Response.Cookies.Append("sid=attacker; Max-Age=99999999; x", "v"));
    }

    // Regression: Partitioned requires Secure at start-up, but a per-response SecurePolicy writes Partitioned without Secure.
    [Fact]
    public async Task Partitioned_PerResponseSecurePolicyNone_NeverWritesPartitionedWithoutSecure()
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

        var t = await host.SendAsync("https://localhost/");
        var header = Assert.Single(t.SetCookieHeaders);

        Assert.False(header.Contains("partitioned", StringComparison.Ordinal) && !header.Contains("secure", StringComparison.Ordinal), header);
    }

    // Regression: a cookie issued in the future (a server with a fast clock) outlives IdleTimeout on every other server.
    [Fact]
    public async Task IssuedInTheFuture_IsRefused()
    {
        var keys = ProtectedHost.NewKeyFolder();
        await using var fast = await ProtectedHost.StartAsync(ProtectedHost.Counter, o => o.IdleTimeout = TimeSpan.FromMinutes(20), keys: keys);
        await using var normal = await ProtectedHost.StartAsync(ProtectedHost.Reader, o => o.IdleTimeout = TimeSpan.FromMinutes(20), keys: keys);
        fast.Time.Advance(TimeSpan.FromDays(365));
        var cookie = (await fast.SendAsync()).CookieToSend(CookieSessionDefaults.ProtectedCookieName);

        normal.Time.Advance(TimeSpan.FromDays(300)); // 300 days without a request, IdleTimeout 20 minutes

        Assert.Equal("0", (await normal.SendAsync(cookie: cookie)).Body);
    }

    // Regression: an idle renewal is logged as "signed with an older secret".
    [Fact]
    public async Task IdleRenewal_IsNotLoggedAsAnOlderSecret()
    {
        await using var host = await ProtectedHost.StartAsync(
            context => context.Request.Path == "/write" ? ProtectedHost.Counter(context) : ProtectedHost.Reader(context),
            o => o.IdleTimeout = TimeSpan.FromMinutes(20));
        var cookie = (await host.SendAsync("/write")).CookieToSend(CookieSessionDefaults.ProtectedCookieName);
        host.Time.Advance(TimeSpan.FromMinutes(11));
        host.Logs.Clear();

        var t = await host.SendAsync("/", cookie);

        Assert.NotNull(t.SessionCookie(CookieSessionDefaults.ProtectedCookieName));
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.Contains("older secret", StringComparison.Ordinal));
    }

    // Bad input sweep: no 500, no cookie bytes in any log line.
    [Theory]
    [InlineData("connect.sess=chunks-2; connect.sessC1=SECRETVALUEAAAA; connect.sessC2=")]
    [InlineData("connect.sess=chunks-2; connect.sessC1=SECRETVALUEAAAA; connect.sessC2=\"\"")]
    [InlineData("connect.sess=chunks-2; connect.sessC1=SECRETVALUEAAAA; connect.sessC2=SECRETVALUEBBBB; connect.sessC3=x")]
    [InlineData("connect.sess=chunks-00; connect.sessC1=SECRETVALUEAAAA")]
    [InlineData("connect.sess=chunks-17")]
    [InlineData("connect.sess=chunks-1; connect.sessC1=SECRETVALUE%%%")]
    [InlineData("connect.sessC1=SECRETVALUEAAAA; connect.sessC2=SECRETVALUEBBBB")]
    [InlineData("connect.sess=\"chunks-2\"; connect.sessC1=\"SECRETVALUEAAAA\"; connect.sessC2=SECRETVALUEBBBB")]
    [InlineData("connect.sess=SECRETVALUE====; connect.sessC1=SECRETVALUEAAAA")]
    [InlineData("connect.sess=CfDJ8SECRETVALUE")]
    [InlineData("connect.sess=\"")]
    [InlineData("connect.sess=chunks-2; connect.sess=chunks-3; connect.sessC1=SECRETVALUEAAAA; connect.sessC2=SECRETVALUEBBBB")]
    public async Task Protected_BadChunks_NeverFailOrLogValues(string header)
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Counter);
        var t = await host.SendAsync("/", header);
        Assert.Equal(System.Net.HttpStatusCode.OK, t.Status);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.Contains("SECRETVALUE", StringComparison.Ordinal) || (r.Exception?.ToString().Contains("SECRETVALUE", StringComparison.Ordinal) ?? false));
    }

    // Regression: MaxChunkedSize has no upper bound; past 16 chunks the exception says size < limit.
    [Fact]
    public async Task TooLarge_MessageNeverSaysSizeBelowLimit()
    {
        CookieSessionTooLargeException? error = null;
        await using var host = await ProtectedHost.StartAsync(
            async context =>
            {
                context.GetCookieSession().Set("blob", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(35000)));
                try
                {
                    await context.Response.StartAsync();
                }
                catch (CookieSessionTooLargeException e)
                {
                    error = e;
                }
            },
            o => o.MaxChunkedSize = 65_536);

        // The test server also hands the exception to the client.
        error ??= await Assert.ThrowsAsync<CookieSessionTooLargeException>(() => host.SendAsync());

        Assert.True(error.Size > error.Limit, error.Message);
    }

    // Regression: GetJsonCookie refuses a repeated key that cookie-parser (JSON.parse) reads, last value wins.
    [Fact]
    public void GetJsonCookie_RepeatedKey_ReadsAsJsonParse()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = "prefs=" + Uri.EscapeDataString("j:{\"a\":1,\"a\":2}");
        var node = context.Request.GetJsonCookie("prefs", signed: false);
        Assert.NotNull(node);
    }

    // Regression: changing session.Cookie after the response started is lost silently (the data throws).
    [Fact]
    public async Task CookieSettings_ChangedAfterStart_Throws()
    {
        Exception? error = null;
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            session.Set("user", "ana");
            await context.Response.WriteAsync("ok");
            try
            {
                session.Cookie.MaxAge = TimeSpan.FromDays(30);
            }
            catch (InvalidOperationException e)
            {
                error = e;
            }
        });

        await host.SendAsync();

        Assert.NotNull(error);
    }
}
