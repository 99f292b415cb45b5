using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CookieSession.Tests.Session;

/// <summary>
/// Regressions found in review of the pooled session feature: the request's session feature is found again (a
/// status-code page re-executing the pipeline) and the <see cref="Microsoft.AspNetCore.Http.Features.ISessionFeature"/>
/// found on entry is put back, whatever other session middleware does with <c>ISessionFeature</c>.
/// </summary>
public sealed class SessionFeatureRegressionTests
{
    /// <summary>
    /// ASP.NET Core's own session middleware, inside this one, sets <c>ISessionFeature</c> to null as it leaves. The
    /// re-executed pass must still go on with the first pass's session (one session, one commit), as it does without it.
    /// </summary>
    [Fact]
    public async Task StatusCodeReExecute_WithAspNetSessionInside_GoesOnWithTheSameSession()
    {
        using var host = await StartAsync(app =>
        {
            app.UseStatusCodePagesWithReExecute("/error");
            app.UseCookieSession();
            app.UseSession();
            app.Run(async context =>
            {
                var session = context.GetCookieSession();
                if (context.Request.Path == "/error")
                {
                    await context.Response.WriteAsync("error page, user " + session.Get<string>("user"));
                    return;
                }

                session.Set("user", "ana");
                context.Response.StatusCode = 404;
            });
        });

        using var response = await host.GetTestClient().GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal("error page, user ana", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(CookieSessionDefaults.CookieName + "=", StringComparison.Ordinal));
    }

    /// <summary>
    /// A second cookie session middleware further down (a branch that adds it again) must put back the
    /// <c>ISessionFeature</c> it found, so that <c>HttpContext.Session</c> works again for the middleware around it.
    /// </summary>
    [Fact]
    public async Task NestedMiddleware_AfterTheInnerOneLeaves_HttpContextSessionIsTheOuterOnes()
    {
        string? seen = null;
        using var host = await StartAsync(app =>
        {
            app.UseCookieSession();
            app.Use(async (HttpContext context, RequestDelegate next) =>
            {
                var before = context.Features.Get<Microsoft.AspNetCore.Http.Features.ISessionFeature>();
                await next(context);
                var after = context.Features.Get<Microsoft.AspNetCore.Http.Features.ISessionFeature>();
                seen = ReferenceEquals(before, after) ? "restored" : after is null ? "removed" : "another";
            });
            app.UseCookieSession();
            app.Run(context => context.Response.WriteAsync("ok"));
        });

        using var response = await host.GetTestClient().GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal("ok", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("restored", seen);
    }

    /// <summary>
    /// The middleware removes its <c>ISessionFeature</c> as the request leaves it, also when the session's commit is
    /// still to come (the response starts after the pipeline): code around it finds no session it can no longer use.
    /// </summary>
    [Fact]
    public async Task NestedMiddleware_AfterTheInnerOneLeaves_GetCookieSessionIsTheOuterOnes()
    {
        string? seen = null;
        using var host = await StartAsync(app =>
        {
            app.UseCookieSession();
            app.Use(async (HttpContext context, RequestDelegate next) =>
            {
                var before = context.GetCookieSession();
                await next(context);
                var error = Record.Exception(() => context.GetCookieSession());
                seen = error is not null ? error.GetType().Name : ReferenceEquals(before, context.GetCookieSession()) ? "the outer one" : "another";
            });
            app.UseCookieSession();
            app.Run(context => context.Response.WriteAsync("ok"));
        });

        using var response = await host.GetTestClient().GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal("ok", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("the outer one", seen);
    }

    [Fact]
    public async Task AfterTheMiddleware_CommitStillToCome_ISessionFeatureIsRemoved()
    {
        string? seen = null;
        using var host = await StartAsync(app =>
        {
            app.Use(async (HttpContext context, RequestDelegate next) =>
            {
                await next(context);
                seen = context.Features.Get<Microsoft.AspNetCore.Http.Features.ISessionFeature>() is null ? "removed" : "still there";
            });
            app.UseCookieSession();
            app.Run(context =>
            {
                context.GetCookieSession().Set("user", "ana");
                return Task.CompletedTask;
            });
        });

        using var response = await host.GetTestClient().GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal("removed", seen);
        Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(CookieSessionDefaults.CookieName + "=", StringComparison.Ordinal));
    }

    private static async Task<IHost> StartAsync(Action<IApplicationBuilder> configure)
    {
        var host = new HostBuilder()
            .ConfigureWebHost(web => web
                .UseTestServer()
                .ConfigureServices(s => s
                    .AddDistributedMemoryCache()
                    .AddSession()
                    .AddCookieSession(o => o.Secret = SessionTestHost.Secret))
                .Configure(configure))
            .Build();
        await host.StartAsync();
        return host;
    }
}
