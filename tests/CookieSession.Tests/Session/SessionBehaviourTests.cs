using System.Net;
using System.Text.Json.Nodes;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CookieSession.Tests.Session;

public sealed class SessionBehaviourTests
{
    private static readonly RequestDelegate s_readOnly = async context =>
        await context.Response.WriteAsync(context.GetCookieSession().Get<string>("user") ?? "anonymous");

    private static readonly RequestDelegate s_setUser = Handlers.Store("user", "ana");

    [Fact]
    public async Task Write_NewSessionLeftEmpty_SetsNoCookie()
    {
        await using var host = await SessionTestHost.StartAsync(s_readOnly);
        var transaction = await host.SendAsync();
        Assert.Equal("anonymous", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task Write_NewSessionLeftEmptyWithSaveUninitialized_SetsEmptyObjectCookie()
    {
        await using var host = await SessionTestHost.StartAsync(context => context.Response.WriteAsync("untouched"), o => o.SaveUninitialized = true);
        var transaction = await host.SendAsync();
        Assert.Equal("{}", TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
    }

    [Fact]
    public async Task Write_SessionNotUsed_SetsNoCookieAndNoVary()
    {
        await using var host = await SessionTestHost.StartAsync(context => context.Response.WriteAsync("static"));
        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"user\":\"ana\"}"));
        Assert.Empty(transaction.SetCookies);
        Assert.Null(transaction.Header(HeaderNames.Vary));
    }

    [Fact]
    public async Task Write_SessionUsed_AddsVaryCookie()
    {
        await using var host = await SessionTestHost.StartAsync(s_readOnly);
        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"user\":\"ana\"}"));
        Assert.Equal("ana", transaction.Body);
        Assert.Equal("Cookie", transaction.Header(HeaderNames.Vary));
    }

    [Fact]
    public async Task Write_VaryAlreadyNamesCookie_NotRepeated()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.Response.Headers.Vary = "Accept-Encoding, Cookie";
            await s_readOnly(context);
        });
        var transaction = await host.SendAsync();
        Assert.Equal("Accept-Encoding, Cookie", transaction.Header(HeaderNames.Vary));
    }

    [Theory]
    [InlineData("Set-Cookie")]
    [InlineData("X-Cookie-Consent")]
    [InlineData("Accept-Encoding, X-Cookie")]
    public async Task Write_VaryNamesAHeaderThatOnlyContainsCookie_CookieIsAdded(string vary)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.Response.Headers.Vary = vary;
            await s_readOnly(context);
        });
        var transaction = await host.SendAsync();
        Assert.Equal(vary + ", Cookie", transaction.Header(HeaderNames.Vary));
    }

    [Theory]
    [InlineData("public, max-age=600, x-no-store-hint")]
    [InlineData("public, x-private=1")]
    public async Task Write_CacheControlOnlyContainsTheWords_SharedCachingIsStillForbidden(string cacheControl)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.Response.Headers.CacheControl = cacheControl;
            await s_setUser(context);
        });
        var transaction = await host.SendAsync();
        Assert.True(transaction.Response.Headers.CacheControl!.NoStore);
        Assert.False(transaction.Response.Headers.CacheControl.Public);
    }

    [Fact]
    public async Task Write_SetCookie_MakesResponseUncacheableBySharedCaches()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.Response.Headers.CacheControl = "public, max-age=600";
            await s_setUser(context);
        });
        var transaction = await host.SendAsync();
        Assert.NotNull(transaction.SessionCookie());
        var cacheControl = transaction.Response.Headers.CacheControl!;
        Assert.True(cacheControl.NoStore);
        Assert.True(cacheControl.NoCache);
        Assert.False(cacheControl.Public);
        Assert.Null(cacheControl.MaxAge);
    }

    [Theory]
    [InlineData("max-age=60, private")]
    [InlineData("no-store")]
    public async Task Write_AppAlreadyForbadeSharedCaching_CacheControlKept(string cacheControl)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.Response.Headers.CacheControl = cacheControl;
            await s_setUser(context);
        });
        var transaction = await host.SendAsync();
        Assert.NotNull(transaction.SessionCookie());
        Assert.Equal(cacheControl, transaction.Header(HeaderNames.CacheControl));
    }

    [Fact]
    public async Task Write_NoSetCookie_CacheControlUntouched()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.Response.Headers.CacheControl = "public, max-age=600";
            await s_readOnly(context);
        });
        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"user\":\"ana\"}"));
        Assert.Empty(transaction.SetCookies);
        Assert.Equal("public, max-age=600", transaction.Header(HeaderNames.CacheControl));
    }

    [Fact]
    public async Task Write_MaxAge_GivesMaxAgeAndExpiresFromArrival()
    {
        await using var host = await SessionTestHost.StartAsync(s_setUser, o => o.Cookie.MaxAge = TimeSpan.FromHours(1));
        var cookie = (await host.SendAsync()).SessionCookie()!;
        Assert.Equal(TimeSpan.FromHours(1), cookie.MaxAge);
        Assert.Equal(host.Time.GetUtcNow() + TimeSpan.FromHours(1), cookie.Expires);
    }

    [Fact]
    public async Task Write_PerRequestMaxAge_AppliesToThisResponseOnly()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            if (context.Request.Query.ContainsKey("remember"))
            {
                session.Cookie.MaxAge = TimeSpan.FromDays(30);
            }

            session.Set("n", session.Get<int>("n") + 1);
            await context.Response.WriteAsync("ok");
        });

        var remembered = (await host.SendAsync("/?remember=1")).SessionCookie()!;
        var plain = (await host.SendAsync("/")).SessionCookie()!;

        Assert.Equal(TimeSpan.FromDays(30), remembered.MaxAge);
        Assert.Null(plain.MaxAge);
        Assert.Null(plain.Expires);
    }

    [Fact]
    public async Task Write_ExpiresWithoutMaxAge_IsUsedAsIs()
    {
        var expires = new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero);
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.GetCookieSession().Cookie.Expires = expires;
            await s_setUser(context);
        });
        var cookie = (await host.SendAsync()).SessionCookie()!;
        Assert.Equal(expires, cookie.Expires);
        Assert.Null(cookie.MaxAge);
    }

    [Fact]
    public async Task Write_Rolling_ResendsUnmodifiedSessionWithFreshExpiry()
    {
        await using var host = await SessionTestHost.StartAsync(s_readOnly, o =>
        {
            o.Rolling = true;
            o.Cookie.MaxAge = TimeSpan.FromMinutes(20);
        });
        var cookie = TestSigning.SessionCookie("{\"user\":\"ana\"}");

        host.Time.Advance(TimeSpan.FromMinutes(15));
        var transaction = await host.SendAsync(cookie: cookie);

        var written = transaction.SessionCookie()!;
        Assert.Equal(host.Time.GetUtcNow() + TimeSpan.FromMinutes(20), written.Expires);
        Assert.Equal("{\"user\":\"ana\"}", TestSigning.JsonOf(written.Value.Value!));
    }

    [Fact]
    public async Task Write_RollingWithoutAnySession_SetsNoCookie()
    {
        await using var host = await SessionTestHost.StartAsync(s_readOnly, o => o.Rolling = true);
        Assert.Empty((await host.SendAsync()).SetCookies);
    }

    [Fact]
    public async Task Write_NotRolling_UnmodifiedSessionNotResent()
    {
        await using var host = await SessionTestHost.StartAsync(s_readOnly, o => o.Cookie.MaxAge = TimeSpan.FromMinutes(20));
        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"user\":\"ana\"}"));
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task Rotation_SessionSignedWithOldSecret_IsLoadedAndResignedWithTheFirst()
    {
        await using var host = await SessionTestHost.StartAsync(s_readOnly, o =>
        {
            o.Secret = null;
            o.Secrets = new List<string> { "new secret", "old secret" };
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"user\":\"ana\"}", "old secret"));

        Assert.Equal("ana", transaction.Body);
        Assert.Equal("{\"user\":\"ana\"}", TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!, "new secret"));
        Assert.Single(host.LogsOf("ResigningWithCurrentSecret"));
    }

    [Fact]
    public async Task Rotation_SessionSignedWithCurrentSecret_NotResent()
    {
        await using var host = await SessionTestHost.StartAsync(s_readOnly, o => o.Secrets = new List<string> { "old secret" });
        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"user\":\"ana\"}"));
        Assert.Equal("ana", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task Rotation_SecretAndSecrets_SecretSignsAndBothVerify()
    {
        await using var host = await SessionTestHost.StartAsync(s_setUser, o => o.Secrets = new List<string> { "old secret" });
        var fromOld = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"x\":1}", "old secret"));
        Assert.Equal("{\"x\":1,\"user\":\"ana\"}", TestSigning.JsonOf(fromOld.SessionCookie()!.Value.Value!, SessionTestHost.Secret));
    }

    [Fact]
    public async Task Clear_DeletesCookieWithItsPathAndDomain()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.ClearCookieSession();
            await context.Response.WriteAsync("bye");
        }, o =>
        {
            o.Cookie.Path = "/admin";
            o.Cookie.Domain = "example.com";
        });

        var cookie = (await host.SendAsync("/admin/logout", TestSigning.SessionCookie("{\"user\":\"ana\"}"))).SessionCookie()!;

        Assert.Equal(string.Empty, cookie.Value.Value);
        Assert.Equal("/admin", cookie.Path.Value);
        Assert.Equal("example.com", cookie.Domain.Value);
        Assert.Equal(DateTimeOffset.UnixEpoch, cookie.Expires);
        Assert.Single(host.LogsOf("SessionCleared"));
    }

    [Fact]
    public async Task Clear_ThenSet_StartsANewSessionInsteadOfDeleting()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.ClearCookieSession();
            context.GetCookieSession().Set("fresh", 1);
            await context.Response.WriteAsync("ok");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"user\":\"ana\"}"));

        Assert.Equal("{\"fresh\":1}", TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
    }

    [Theory]
    [InlineData("set then remove")]
    [InlineData("ISession.Clear")]
    public async Task Clear_ThenChangesLeavingItEmpty_DeletesTheOldCookie(string change)
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
                if (change == "set then remove")
                {
                    session.Set("flash", "bye");
                    session.Remove("flash");
                }
                else
                {
                    context.Session.Clear();
                }
            }

            await context.Response.WriteAsync(session.Get<string>("user") ?? "-");
        });
        var jar = new CookieJar();
        await jar.SendAsync(host, "/login");

        var logout = await jar.SendAsync(host, "/logout");
        var after = await jar.SendAsync(host, "/");

        Assert.NotNull(logout.SessionCookie());
        Assert.Equal("-", after.Body);
    }

    [Fact]
    public async Task RemoveAllKeys_OfExistingSession_WritesEmptyObject()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.GetCookieSession().Clear();
            await context.Response.WriteAsync("ok");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"user\":\"ana\"}"));

        Assert.Equal("{}", TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
    }

    [Fact]
    public async Task ChangeAfterResponseStarted_ThrowsClearError()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            await context.Response.WriteAsync("started;");
            try
            {
                context.GetCookieSession().Set("late", true);
            }
            catch (InvalidOperationException e)
            {
                await context.Response.WriteAsync(e.Message);
            }
        });

        var transaction = await host.SendAsync();

        Assert.Contains("cannot be changed after the response has started", transaction.Body, StringComparison.Ordinal);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task ReadAfterResponseStarted_StillSeesTheSession()
    {
        // The cookie is written when the body starts; the JSON it came with stays readable until the request ends.
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            _ = session.IsNew;
            await context.Response.WriteAsync("started;");
            await context.Response.WriteAsync($"{session.Get<string>("user")};{string.Join(",", session.Keys)};{session["roles"]![1]}");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"user":"ana","roles":["a","b"]}"""));

        Assert.Equal("started;ana;user,roles;b", transaction.Body);
    }

    [Fact]
    public async Task SessionKeptPastItsRequest_Throws()
    {
        ICookieSession? kept = null;
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            kept = context.GetCookieSession();
            _ = kept.Get<string>("user");
            await context.Response.WriteAsync("ok");
        });

        await host.SendAsync(cookie: TestSigning.SessionCookie("""{"user":"ana"}"""));

        var error = Assert.Throws<InvalidOperationException>(() => kept!.Get<string>("user"));
        Assert.Contains("request that has ended", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClearAfterResponseStarted_Throws()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            await context.Response.WriteAsync("started;");
            var error = Record.Exception(context.ClearCookieSession);
            await context.Response.WriteAsync(error?.GetType().Name ?? "none");
        });

        Assert.EndsWith("InvalidOperationException", (await host.SendAsync()).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_OverBrowserLimit_ThrowsAndLogsInsteadOfDroppingSilently()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.GetCookieSession().Set("big", new string('x', 4000));
            return Task.CompletedTask;
        });

        var error = await Record.ExceptionAsync(() => host.SendAsync());

        var tooLarge = Assert.IsType<CookieSessionTooLargeException>(error);
        Assert.Equal(4096, tooLarge.Limit);
        Assert.True(tooLarge.Size > 4096);
        Assert.Contains($"would be {tooLarge.Size} bytes", tooLarge.Message, StringComparison.Ordinal);
        Assert.Contains("limit of 4096 bytes", tooLarge.Message, StringComparison.Ordinal);
        var logged = Assert.Single(host.LogsOf("CookieTooLarge"));
        Assert.Contains(tooLarge.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_JustUnderBrowserLimit_IsWrittenAndMeasuredExactly()
    {
        // Find the largest value that fits, then check the real header is within the limit.
        var size = 0;
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.GetCookieSession().Set("big", new string('x', size));
            return Task.CompletedTask;
        });

        Transaction? last = null;
        for (size = 3900; size < 4100; size++)
        {
            try
            {
                last = await host.SendAsync();
            }
            catch (CookieSessionTooLargeException)
            {
                break;
            }
        }

        var header = Assert.Single(last!.SetCookieHeaders);
        Assert.InRange(header.Length, 4096 - 1, 4096);
    }

    [Fact]
    public async Task PathMatch_SiblingPrefix_IsNotCovered()
    {
        await using var host = await SessionTestHost.StartAsync(s_setUser, o => o.Cookie.Path = "/admin");
        Assert.Empty((await host.SendAsync("/administrator")).SetCookies);
        Assert.NotNull((await host.SendAsync("/admin")).SessionCookie());
    }

    [Fact]
    public async Task PathMatch_OutsidePath_SessionIsEmptyUnavailableAndNotRead()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            session.Set("ignored", 1);
            await context.Response.WriteAsync($"{context.Session.IsAvailable} {session.Get<string>("user") ?? "none"}");
        }, o => o.Cookie.Path = "/admin");

        var transaction = await host.SendAsync("/public", TestSigning.SessionCookie("{\"user\":\"ana\"}"));

        Assert.Equal("False none", transaction.Body);
        Assert.Empty(transaction.SetCookies);
        Assert.Single(host.LogsOf("OutsidePath"));
    }

    [Fact]
    public async Task PathMatch_UnderPathBase_UsesTheWholePath()
    {
        await using var host = await SessionTestHost.StartAsync(
            s_setUser,
            o => o.Cookie.Path = "/app",
            services: null,
            beforeSession: app => app.UsePathBase("/app"));

        Assert.NotNull((await host.SendAsync("/app/page")).SessionCookie());
    }

    [Fact]
    public async Task Flags_ReflectLoadAndChanges()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var s = context.GetCookieSession();
            var before = $"{s.IsNew},{s.IsPopulated},{s.IsChanged}";
            s.Set("user", "ana");
            var same = $"{s.IsChanged}";
            s.Set("user", "bob");
            await context.Response.WriteAsync($"{before}|{same}|{s.IsChanged}");
        });

        var existing = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"user\":\"ana\"}"));
        var fresh = await host.SendAsync();

        Assert.Equal("False,True,False|False|True", existing.Body);
        Assert.Equal("True,False,True|True|True", fresh.Body);
    }

    [Fact]
    public async Task Indexer_LiveNestedNodeChanged_IsWritten()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.GetCookieSession()["cart"]!.AsArray().Add("pear");
            await context.Response.WriteAsync("ok");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"cart\":[\"apple\"]}"));

        Assert.Equal("{\"cart\":[\"apple\",\"pear\"]}", TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
    }

    [Fact]
    public async Task Indexer_NodeFromAnotherParent_IsCopied()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var other = new JsonObject { ["a"] = new JsonObject { ["b"] = 1 } };
            var session = context.GetCookieSession();
            session["copy"] = other["a"];
            session.Set("copy2", other["a"]);
            await context.Response.WriteAsync("ok");
        });

        var transaction = await host.SendAsync();

        Assert.Equal("{\"copy\":{\"b\":1},\"copy2\":{\"b\":1}}", TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
    }

    [Fact]
    public async Task SetGet_Objects_UseWebJsonDefaults()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            session.Set("profile", new Profile("Ana", ["admin", "dev"]));
            var back = session.Get<Profile>("profile")!;
            session.Remove("missing");
            await context.Response.WriteAsync($"{back.DisplayName}:{string.Join("+", back.Roles)}:{session.Get<Profile>("missing") is null}");
        });

        var transaction = await host.SendAsync();

        Assert.Equal("Ana:admin+dev:True", transaction.Body);
        Assert.Equal("{\"profile\":{\"displayName\":\"Ana\",\"roles\":[\"admin\",\"dev\"]}}", TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
    }

    [Fact]
    public void GetCookieSession_WithoutMiddleware_ThrowsClearError()
    {
        var context = new DefaultHttpContext();
        var error = Assert.Throws<InvalidOperationException>(() => context.GetCookieSession());
        Assert.Contains("UseCookieSession()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handler_ThrowsAfterChangingSession_ErrorStillPropagates()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.GetCookieSession().Set("user", "ana");
            throw new InvalidTimeZoneException("boom");
        });

        await Assert.ThrowsAsync<InvalidTimeZoneException>(() => host.SendAsync());
    }

    [Fact]
    public async Task Response_WithSessionCookie_StaysOk()
    {
        await using var host = await SessionTestHost.StartAsync(s_setUser);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync()).Status);
    }

    private sealed record Profile(string DisplayName, string[] Roles);
}
