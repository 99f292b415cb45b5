using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Session;

/// <summary>
/// A pipeline run again on the same request (status code pages, an exception handler) goes on with the request's
/// one session and writes its cookie once.
/// </summary>
public sealed class ReExecutionTests
{
    private static readonly RequestDelegate s_failsThenShowsErrorPage = async context =>
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
    };

    private static readonly RequestDelegate s_notFoundThenShowsErrorPage = async context =>
    {
        var session = context.GetCookieSession();
        if (context.Request.Path == "/error")
        {
            await context.Response.WriteAsync("error page, user " + session.Get<string>("user"));
            return;
        }

        session.Set("user", "ana");
        session.Set("n", session.Get<int>("n") + 1);
        context.Response.StatusCode = 404;
    };

    [Fact]
    public async Task StatusCodeReExecute_WritesOneCookie()
    {
        await using var host = await SessionTestHost.StartAsync(
            s_notFoundThenShowsErrorPage,
            o => o.Rolling = true,
            services: null,
            beforeSession: app => app.UseStatusCodePagesWithReExecute("/error"));
        var jar = new CookieJar();
        await jar.SendAsync(host, "/");

        var second = await host.SendAsync("/", jar.Header);

        Assert.Single(second.SetCookies, c => c.Name.Value == CookieSessionDefaults.CookieName);
    }

    [Fact]
    public async Task StatusCodeReExecute_WithAspNetSessionInside_GoesOnWithTheSameSession()
    {
        // ASP.NET Core's session middleware sets ISessionFeature to null as it leaves, before the pipeline runs again.
        await using var host = await SessionTestHost.StartAsync(
            s_notFoundThenShowsErrorPage,
            configure: null,
            services: s => s.AddDistributedMemoryCache().AddSession(),
            beforeSession: app => app.UseStatusCodePagesWithReExecute("/error"),
            afterSession: app => app.UseSession());

        var transaction = await host.SendAsync("/");

        Assert.Equal("error page, user ana", transaction.Body);
        Assert.Single(transaction.SetCookies, c => c.Name.Value == CookieSessionDefaults.CookieName);
    }

    [Fact]
    public async Task ExceptionHandlerReExecute_WritesOneCookie()
    {
        await using var host = await SessionTestHost.StartAsync(
            s_failsThenShowsErrorPage,
            configure: null,
            services: null,
            beforeSession: app => app.UseExceptionHandler("/error"));

        var transaction = await host.SendAsync("/checkout");

        Assert.Single(transaction.SetCookies, c => c.Name.Value == CookieSessionDefaults.CookieName);
    }

    [Fact]
    public async Task ExceptionHandlerReExecute_OnKestrel_WritesOneCookie()
    {
        await using var host = await KestrelSessionHost.StartAsync(s_failsThenShowsErrorPage, app => app.UseExceptionHandler("/error"));

        var cookies = await host.SetCookiesOfAsync("/checkout");

        Assert.Single(cookies);
    }

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
    public async Task StatusCodeReExecute_FromOutsideTheCookiePathToInside_TheErrorPageWritesTheSession()
    {
        await using var host = await SessionTestHost.StartAsync(
            context =>
            {
                if (context.Request.Path.StartsWithSegments("/app/error"))
                {
                    context.GetCookieSession().SetString("flash", "not found");
                }
                else
                {
                    context.Response.StatusCode = 404;
                }

                return Task.CompletedTask;
            },
            configure: o => o.Cookie.Path = "/app",
            services: null,
            beforeSession: app => app.UseStatusCodePagesWithReExecute("/app/error"));

        var transaction = await host.SendAsync("/elsewhere");

        Assert.Equal("""{"flash":"not found"}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }
}
