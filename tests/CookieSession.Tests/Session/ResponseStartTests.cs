using System.Text.Json;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace CookieSession.Tests.Session;

/// <summary>
/// Every change made before the response's headers go is saved, whoever makes it: the handler, or a callback that
/// runs as the response starts, registered before or after the session's first use.
/// </summary>
public sealed class ResponseStartTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OnStartingRegisteredBeforeFirstUse_ChangeIsSaved(bool responseStartsInTheHandler)
    {
        // MVC's TempData filter registers its callback before the action first uses the session.
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.Response.OnStarting(() =>
            {
                // HttpContext.Session is gone once the request left the middleware, as with ASP.NET's own session.
                context.GetCookieSession().Set("flash", "saved");
                context.GetCookieSession().Remove("absent");
                return Task.CompletedTask;
            });
            context.GetCookieSession().Set("user", "ana");
            if (responseStartsInTheHandler)
            {
                await context.Response.WriteAsync("body");
            }
        });

        var transaction = await host.SendAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, transaction.Status);
        Assert.Equal("""{"user":"ana","flash":"saved"}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Fact]
    public async Task OnStartingRegisteredAfterFirstUse_ChangeIsSaved()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            var session = context.GetCookieSession();
            session.Set("user", "ana");
            context.Response.OnStarting(() =>
            {
                session.Set("late", 1);
                return Task.CompletedTask;
            });
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync();

        Assert.Equal("""{"user":"ana","late":1}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
        Assert.Single(transaction.SetCookies);
    }

    [Fact]
    public async Task OnStartingFirstUseAfterTheHandler_IsSavedOnce()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.Response.OnStarting(() =>
            {
                context.GetCookieSession().Set("late", true);
                return Task.CompletedTask;
            });
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"user":"ana"}"""));

        Assert.Equal("""{"user":"ana","late":true}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
        Assert.Single(transaction.SetCookieHeaders);
    }

    [Fact]
    public async Task OnStartingFirstUseAsTheResponseStarts_OnKestrel_IsSaved()
    {
        Exception? error = null;
        await using var host = await KestrelSessionHost.StartAsync(async context =>
        {
            context.Response.OnStarting(() =>
            {
                error = Record.Exception(() => context.GetCookieSession().Set("stamp", 1));
                return Task.CompletedTask;
            });
            await context.Response.WriteAsync("ok");
        });

        var header = Assert.Single(await host.SetCookiesOfAsync("/"));

        Assert.Null(error);
        Assert.Equal("""{"stamp":1}""", TestSigning.JsonOf(SetCookieHeaderValue.Parse(header).Value.ToString()));
    }

    [Fact]
    public async Task OnStartingOfAMiddlewareBeforeTheSession_ChangeThrowsWithTheUsualMessage()
    {
        // Callbacks run last-registered first: one registered before UseCookieSession runs after the commit.
        ICookieSession? kept = null;
        Exception? error = null;
        await using var host = await SessionTestHost.StartAsync(
            context =>
            {
                kept = context.GetCookieSession();
                kept.Set("user", "ana");
                return Task.CompletedTask;
            },
            configure: null,
            services: null,
            beforeSession: app => app.Use(async (context, next) =>
            {
                context.Response.OnStarting(() =>
                {
                    error = Record.Exception(() => kept!.Set("outer", 1));
                    return Task.CompletedTask;
                });
                await next(context);
            }));

        var transaction = await host.SendAsync();

        Assert.Contains("cannot be changed after the response has started", Assert.IsType<InvalidOperationException>(error).Message, StringComparison.Ordinal);
        Assert.Equal("""{"user":"ana"}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Fact]
    public async Task RemoveOfAnAbsentKey_IsNoChangeAndNoUse()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.Session.Remove("__ControllerTempData");
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"user":"ana"}"""));

        Assert.Empty(transaction.SetCookies);
        Assert.Null(transaction.Header(HeaderNames.Vary));
        Assert.Null(transaction.Header(HeaderNames.CacheControl));
    }

    [Fact]
    public async Task ClearOfAnEmptySession_IsNoChangeAndNoUse()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.Session.Clear();
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync();

        Assert.Empty(transaction.SetCookies);
        Assert.Null(transaction.Header(HeaderNames.Vary));
    }

    [Fact]
    public async Task RemoveOfAPresentKey_WritesTheCookie()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.Session.Remove("flash");
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"user":"ana","flash":"x"}"""));

        Assert.Equal("""{"user":"ana"}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
        Assert.Equal("Cookie", transaction.Header(HeaderNames.Vary));
    }

    [Fact]
    public async Task ChangeAfterTheResponseStarted_Throws()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            await context.Response.WriteAsync("started;");
            var error = Record.Exception(() => context.GetCookieSession().Set("late", 1));
            await context.Response.WriteAsync(error?.Message ?? "no error");
        });

        var transaction = await host.SendAsync();

        Assert.Contains("cannot be changed after the response has started", transaction.Body, StringComparison.Ordinal);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task CookieSettingsChangedAfterTheResponseStarted_Throws()
    {
        Exception? error = null;
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            session.Set("user", "ana");
            await context.Response.WriteAsync("ok");
            error = Record.Exception(() => session.Cookie.MaxAge = TimeSpan.FromDays(30));
        });

        var transaction = await host.SendAsync();

        Assert.IsAssignableFrom<InvalidOperationException>(error);
        Assert.Null(transaction.SessionCookie()!.MaxAge);
    }

    [Fact]
    public async Task SessionTooLargeForItsCookie_IsAnExceptionThePipelineSees()
    {
        Exception? seen = null;
        await using var host = await SessionTestHost.StartAsync(
            context =>
            {
                context.GetCookieSession().Set("blob", new string('x', 5000));
                return Task.CompletedTask;
            },
            configure: null,
            services: null,
            beforeSession: app => app.Use(async (context, next) =>
            {
                try
                {
                    await next(context);
                }
                catch (CookieSessionTooLargeException e)
                {
                    seen = e;
                    context.Response.StatusCode = 500;
                    await context.Response.WriteAsync("handled: " + e.Message);
                }
            }));

        var transaction = await host.SendAsync();

        Assert.IsType<CookieSessionTooLargeException>(seen);
        Assert.StartsWith("handled: ", transaction.Body, StringComparison.Ordinal);
        Assert.Contains("Protected", transaction.Body, StringComparison.Ordinal);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task SessionTooLarge_InDevelopment_ShowsOnTheDeveloperExceptionPage()
    {
        await using var host = await SessionTestHost.StartAsync(
            context =>
            {
                context.GetCookieSession().Set("blob", new string('x', 5000));
                return Task.CompletedTask;
            },
            configure: null,
            services: null,
            beforeSession: app => app.UseDeveloperExceptionPage());

        var transaction = await host.SendAsync(configure: r => r.Headers.Accept.ParseAdd("text/plain"));

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, transaction.Status);
        Assert.Contains(nameof(CookieSessionTooLargeException), transaction.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetOfAValueOfAnotherJsonType_NamesTheKeyAndTheTypes()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var error = Assert.Throws<JsonException>(() => context.GetCookieSession().Get<DateTime>("roles"));
            await context.Response.WriteAsync(error.Message);
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"roles":["a"]}"""));

        Assert.Contains("'roles'", transaction.Body, StringComparison.Ordinal);
        Assert.Contains("JSON array", transaction.Body, StringComparison.Ordinal);
        Assert.Contains("System.DateTime", transaction.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommittedCookie_CallbackThenSetsPublicCacheControl_ResponseStaysNotStorableBySharedCaches()
    {
        // The app's own OnStarting callback, registered after the session's, runs before the final commit: before the
        // provisional commit, the session's no-store was applied after it.
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.GetCookieSession().SetString("user", "ana");
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.CacheControl = "public, max-age=600";
                return Task.CompletedTask;
            });
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync();

        Assert.NotNull(transaction.SessionCookie());
        var cacheControl = transaction.Response.Headers.CacheControl!;
        Assert.False(cacheControl.Public, $"Set-Cookie sent with Cache-Control: {transaction.Header(HeaderNames.CacheControl)}");
    }

    [Fact]
    public async Task CommittedCookie_OuterMiddlewareThenSetsPublicCacheControl_ResponseStaysNotStorableBySharedCaches()
    {
        await using var host = await SessionTestHost.StartAsync(
            context =>
            {
                context.GetCookieSession().SetString("user", "ana");
                return Task.CompletedTask;
            },
            configure: null,
            services: null,
            beforeSession: app => app.Use(async (context, next) =>
            {
                await next(context);
                if (!context.Response.HasStarted)
                {
                    // A "static asset caching" middleware, or an output-cache policy, applied as the request goes out.
                    context.Response.Headers.CacheControl = "public, max-age=600";
                }
            }));

        var transaction = await host.SendAsync();

        Assert.NotNull(transaction.SessionCookie());
        Assert.False(transaction.Response.Headers.CacheControl!.Public, $"Set-Cookie sent with Cache-Control: {transaction.Header(HeaderNames.CacheControl)}");
    }

    [Theory]
    [InlineData("public, max-age=600", null)]
    [InlineData(null, "x-shared")]
    [InlineData("public", "x-shared")]
    [InlineData(null, null)]
    public async Task CommitTakenBack_FinalOutcomeWritesNothing_AppsCachingHeadersKept(string? cacheControl, string? pragma)
    {
        // The provisional commit wrote the cookie and forbade shared caching; a callback undid the change, so the final
        // response carries no session cookie: the app's caching must be as if the session had never written one.
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            if (cacheControl is not null)
            {
                context.Response.Headers.CacheControl = cacheControl;
            }

            if (pragma is not null)
            {
                context.Response.Headers.Pragma = pragma;
            }

            return ChangeThenUndoAsTheResponseStarts(context);
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"user":"ana"}"""));

        Assert.Empty(transaction.SetCookies);
        Assert.Equal(cacheControl, transaction.Header(HeaderNames.CacheControl));
        Assert.Equal(pragma, transaction.Header(HeaderNames.Pragma));
    }

    [Fact]
    public async Task CommitTakenBack_WriteWithheldForLackOfConsent_AppsCacheControlKept()
    {
        // The provisional write appended no Set-Cookie (the cookie policy withheld it) yet made the response not
        // storable; taken back, with nothing to write in the end, the app's caching stands.
        await using var host = await SessionTestHost.StartAsync(
            context =>
            {
                context.Response.Headers.CacheControl = "public, max-age=600";
                return ChangeThenUndoAsTheResponseStarts(context);
            },
            configure: null,
            services: s => s.Configure<CookiePolicyOptions>(o => o.CheckConsentNeeded = _ => true),
            beforeSession: app => app.UseCookiePolicy());

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"user":"ana"}"""));

        Assert.Empty(transaction.SetCookies);
        Assert.Equal("public, max-age=600", transaction.Header(HeaderNames.CacheControl));
    }

    /// <summary>Changes the session, committed as the request leaves; a callback undoes the change as the response starts.</summary>
    private static Task ChangeThenUndoAsTheResponseStarts(HttpContext context)
    {
        var session = context.GetCookieSession();
        session.SetString("theme", "dark");
        context.Response.OnStarting(() =>
        {
            session.Remove("theme");
            return Task.CompletedTask;
        });
        return Task.CompletedTask;
    }
}
