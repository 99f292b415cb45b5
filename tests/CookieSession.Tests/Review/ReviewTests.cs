using System.Text.Json.Nodes;
using CookieSession.Tests.Infrastructure;
using CookieSession.Tests.Parameters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Net.Http.Headers;

namespace CookieSession.Tests.Review;

/// <summary>
/// Hostile review of the request lifecycle (provisional commit, take-back, re-execution), the typed session, the
/// binding and the codec: each test states a behaviour that should hold and currently does not.
/// </summary>
public sealed class ReviewTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Caching: a response that carries a session Set-Cookie must not be storable by shared caches.

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

    // Typed session and ClearCookieSession.

    [Fact]
    public async Task TypedView_TakenBeforeClearCookieSession_ChangeAfterItIsSaved()
    {
        // A handler's ICookieSession<T> parameter is bound (the view made) before the handler runs.
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            var profile = context.GetCookieSession<Profile>();
            context.ClearCookieSession();
            profile.Value.Name = "Bo";
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"name":"Ana","visitCount":3}"""));

        var cookie = transaction.SessionCookie();
        Assert.NotNull(cookie);
        Assert.NotEqual(string.Empty, cookie.Value.ToString());
        Assert.Equal("""{"name":"Bo"}""", TestSigning.JsonOf(cookie.Value.ToString()));
    }

    [Fact]
    public async Task TypedValue_ReadBeforeClearCookieSession_ChangeAfterItIsSavedOrRefused()
    {
        Exception? error = null;
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            var profile = context.GetCookieSession<Profile>();
            _ = profile.Value.Name;
            context.ClearCookieSession();
            error = Record.Exception(() => profile.Value.VisitCount = 42);
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"name":"Ana","visitCount":3}"""));

        // Either the change is saved, or the app is told it cannot be; never silently dropped with a deleted cookie.
        var value = transaction.SessionCookie()?.Value.ToString();
        Assert.True(
            error is not null || (!string.IsNullOrEmpty(value) && TestSigning.JsonOf(value).Contains("\"visitCount\":42", StringComparison.Ordinal)),
            $"change lost silently; Set-Cookie value: '{value}'");
    }

    // Nested middleware and re-execution.

    [Fact]
    public async Task NestedMiddleware_StatusCodeReExecute_InnerSessionWritesOneCookie()
    {
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                var session = context.GetCookieSession();
                if (context.Request.Path == "/error")
                {
                    session.SetString("flash", "not found");
                    await context.Response.WriteAsync("error page");
                    return;
                }

                session.SetString("user", "ana");
                context.Response.StatusCode = 404;
            },
            configure: null,
            services: null,
            beforeSession: app =>
            {
                app.UseStatusCodePagesWithReExecute("/error");
                app.UseCookieSession();
            });

        var transaction = await host.SendAsync();

        var headers = transaction.SetCookies.Where(c => c.Name.Value == CookieSessionDefaults.CookieName).ToList();
        Assert.True(headers.Count == 1, "Set-Cookie: " + string.Join(" | ", transaction.SetCookieHeaders));
        Assert.Equal("""{"user":"ana","flash":"not found"}""", TestSigning.JsonOf(headers[0].Value.ToString()));
    }

    [Fact]
    public async Task CommitTakenBack_FinalOutcomeWritesNothing_AppsCacheControlKept()
    {
        // The provisional commit wrote the cookie and forbade shared caching; a callback undid the change, so the final
        // response carries no session cookie: the app's caching must be as if the session had never written one.
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.Response.Headers.CacheControl = "public, max-age=600";
            var session = context.GetCookieSession();
            session.SetString("theme", "dark");
            context.Response.OnStarting(() =>
            {
                session.Remove("theme");
                return Task.CompletedTask;
            });
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"user":"ana"}"""));

        Assert.Empty(transaction.SetCookies);
        Assert.Equal("public, max-age=600", transaction.Header(HeaderNames.CacheControl));
    }

    // Codec.

    [Fact]
    public async Task Codec_ReadSetCookieHeaders_JudgesExpiryByTheOptionsClock()
    {
        // The app's clock (a fake one in tests, as the codec's own docs suggest for integration tests) is in the past.
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var app = await StartCodecAppAsync(CookieSessionFormat.Connect, time, o => o.Cookie.MaxAge = TimeSpan.FromHours(1));
        var codec = app.Services.GetRequiredService<ICookieSessionCodec>();

        var setCookie = await SignInAsync(app);

        Assert.NotEmpty(setCookie);
        Assert.Equal("bea", codec.ReadSetCookieHeaders(setCookie)?["user"]?.GetValue<string>());
    }

    [Theory]
    [InlineData(CookieSessionFormat.Protected)]
    [InlineData(CookieSessionFormat.IronSession)]
    public async Task Codec_TokenWithALifetimeLongerThanTheSessions_OpensUntilItsOwnExpiry(CookieSessionFormat format)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        await using var app = await StartCodecAppAsync(format, time);
        var codec = app.Services.GetRequiredService<ICookieSessionCodec>();

        var token = codec.CreateToken(new JsonObject { ["invite"] = "team-1" }, "invitation", TimeSpan.FromDays(30));
        time.Advance(TimeSpan.FromDays(20));

        Assert.Equal("team-1", codec.ReadToken(token, "invitation")?["invite"]?.GetValue<string>());
    }

    private static async Task<WebApplication> StartCodecAppAsync(CookieSessionFormat format, FakeTimeProvider time, Action<CookieSessionOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddCookieSession(o =>
        {
            o.Format = format;
            o.Secret = "a secret of thirty-two characters or more, for iron-session";
            configure?.Invoke(o);
        });
        var app = builder.Build();
        app.UseCookieSession();
        app.MapGet("/keys", (ICookieSession session) => (session.IsNew ? "new:" : "old:") + string.Join(",", session.Keys));
        app.MapGet("/sign-in", (ICookieSession session) => session.SetString("user", "bea"));
        await app.StartAsync(Cancel);
        return app;
    }

    private static async Task<string[]> SignInAsync(WebApplication app)
    {
        var response = await app.GetTestClient().GetAsync("/sign-in", Cancel);
        return response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToArray() : [];
    }
}
