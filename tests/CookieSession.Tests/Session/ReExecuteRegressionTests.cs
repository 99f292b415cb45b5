using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Session;

/// <summary>Regression found in review: re-execution without an exception (status code pages) wrote the cookie twice.</summary>
public sealed class ReExecuteRegressionTests
{
    /// <summary>
    /// The Abandon fix covers only an exception. UseStatusCodePagesWithReExecute re-runs the pipeline after a 404 with
    /// no exception: the first pass's SessionState is still Open, its OnStarting commit still registered, and the
    /// error page gets a second SessionState with its own commit: two Set-Cookie headers for one cookie in one response.
    /// </summary>
    [Fact]
    public async Task StatusCodeReExecute_WritesTheSessionCookieTwice()
    {
        await using var host = await SessionTestHost.StartAsync(
            async context =>
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
            },
            o => o.Rolling = true,
            services: null,
            beforeSession: app => app.UseStatusCodePagesWithReExecute("/error"));
        var jar = new CookieJar();
        await jar.SendAsync(host, "/");

        var second = await host.SendAsync("/", jar.Header);

        Assert.Single(second.SetCookies, c => c.Name.Value == CookieSessionDefaults.CookieName);
    }
}
