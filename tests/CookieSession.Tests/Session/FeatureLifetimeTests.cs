using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CookieSession.Tests.Session;

/// <summary>
/// <see cref="ISessionFeature"/> belongs to the middleware while the request is inside it: set as the request enters,
/// and what was there before put back as it leaves, whether it leaves normally or with an exception.
/// </summary>
public sealed class FeatureLifetimeTests
{
    [Fact]
    public async Task SessionFeature_AfterTheMiddleware_IsRemoved()
    {
        string? seen = null;
        await using var host = await SessionTestHost.StartAsync(
            context => context.Response.WriteAsync("ok"),
            configure: null,
            services: null,
            beforeSession: app => app.Use(async (HttpContext context, RequestDelegate next) =>
            {
                await next(context);
                seen = Describe(context.Features.Get<ISessionFeature>());
            }));

        await host.SendAsync();

        Assert.Equal("removed", seen);
    }

    [Fact]
    public async Task SessionFeature_AfterTheMiddlewareChangedTheSession_IsRemovedAndTheCookieWritten()
    {
        string? seen = null;
        await using var host = await SessionTestHost.StartAsync(
            Handlers.Store("user", "ana"),
            configure: null,
            services: null,
            beforeSession: app => app.Use(async (HttpContext context, RequestDelegate next) =>
            {
                await next(context);
                seen = Describe(context.Features.Get<ISessionFeature>());
            }));

        var transaction = await host.SendAsync();

        Assert.Equal("removed", seen);
        Assert.NotNull(transaction.SessionCookie());
    }

    [Fact]
    public async Task SessionFeature_AfterAnUnhandledException_IsRemoved()
    {
        string? seen = null;
        await using var host = await SessionTestHost.StartAsync(
            context =>
            {
                context.Session.SetString("user", "ana");
                throw new InvalidOperationException("boom");
            },
            configure: null,
            services: null,
            beforeSession: app => app.Use(async (HttpContext context, RequestDelegate next) =>
            {
                var error = await Record.ExceptionAsync(() => next(context));
                seen = (error is InvalidOperationException ? "thrown, " : "not thrown, ") + Describe(context.Features.Get<ISessionFeature>());
                context.Response.StatusCode = 500;
            }));

        var transaction = await host.SendAsync();

        Assert.Equal("thrown, removed", seen);
        Assert.Null(transaction.SessionCookie());
    }

    [Fact]
    public async Task NestedMiddleware_InnerOneLeaves_PutsBackTheOuterSessionFeature()
    {
        string? seen = null;
        await using var host = await StartNestedAsync(async (context, next) =>
        {
            var before = context.Features.Get<ISessionFeature>();
            await next(context);
            var after = context.Features.Get<ISessionFeature>();
            seen = ReferenceEquals(before, after) ? "the outer one" : Describe(after);
        });

        var transaction = await host.SendAsync();

        Assert.Equal("ok", transaction.Body);
        Assert.Equal("the outer one", seen);
    }

    [Fact]
    public async Task NestedMiddleware_InnerOneLeaves_GetCookieSessionIsTheOuterOnes()
    {
        string? seen = null;
        await using var host = await StartNestedAsync(async (context, next) =>
        {
            var before = context.GetCookieSession();
            await next(context);
            var error = Record.Exception(() => context.GetCookieSession());
            seen = error is not null ? error.GetType().Name : ReferenceEquals(before, context.GetCookieSession()) ? "the outer one" : "another";
        });

        var transaction = await host.SendAsync();

        Assert.Equal("ok", transaction.Body);
        Assert.Equal("the outer one", seen);
    }

    /// <summary>A cookie session, then <paramref name="between"/>, then a second cookie session (a branch that adds it again).</summary>
    private static Task<SessionTestHost> StartNestedAsync(Func<HttpContext, RequestDelegate, Task> between)
        => SessionTestHost.StartAsync(
            context => context.Response.WriteAsync("ok"),
            configure: null,
            services: null,
            beforeSession: app =>
            {
                app.UseCookieSession();
                app.Use(between);
            });

    private static string Describe(ISessionFeature? feature) => feature is null ? "removed" : "still there";
}
