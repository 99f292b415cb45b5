using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Session;

public sealed class KestrelLifecycleRegressionTests
{
    private static async Task<(WebApplication App, HttpClient Client)> StartAsync(RequestDelegate handler, Action<IApplicationBuilder>? before = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddCookieSession(o => o.Secret = "a session secret that is 32 bytes long!!");
        var app = builder.Build();
        before?.Invoke(app);
        app.UseCookieSession();
        app.Run(handler);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
    }

    [Fact]
    public async Task Kestrel_FirstUseInsideOnStarting()
    {
        Exception? error = null;
        var (app, client) = await StartAsync(async context =>
        {
            context.Response.OnStarting(() =>
            {
                try { context.GetCookieSession().Set("stamp", 1); } catch (Exception e) { error = e; }
                return Task.CompletedTask;
            });
            await context.Response.WriteAsync("ok");
        });
        await using var _ = app;
        var response = await client.GetAsync("/", TestContext.Current.CancellationToken);
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var v) ? string.Join(" | ", v) : "";
        Assert.True(error is not null || cookies.Length > 0, "lost: " + cookies);
    }

    [Fact]
    public async Task Kestrel_ExceptionHandlerReExecute()
    {
        var (app, client) = await StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            if (context.Request.Path == "/error")
            {
                session.Set("flash", "oops");
                await context.Response.WriteAsync("error page");
                return;
            }

            session.Set("cart", "half-updated");
            throw new InvalidOperationException("boom");
        }, a => a.UseExceptionHandler("/error"));
        await using var _ = app;
        var response = await client.GetAsync("/checkout", TestContext.Current.CancellationToken);
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var v) ? v.ToList() : [];
        Assert.True(cookies.Count == 1, string.Join("\n", cookies));
    }
}

public sealed class ValidateUseTests
{
    [Fact]
    public async Task Protected_OnValidateRead_StaticRequestPastHalfIdle_GetsNoSetCookie()
    {
        await using var host = await CookieSession.Tests.Formats.Protected.ProtectedHost.StartAsync(
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
                o.IdleTimeout = TimeSpan.FromMinutes(20);
                o.OnValidateSession = c => { _ = c.Session.Get<string>("user"); return Task.CompletedTask; };
            });
        var cookie = (await host.SendAsync("/login")).CookieToSend(CookieSessionDefaults.ProtectedCookieName);
        host.Time.Advance(TimeSpan.FromMinutes(11));

        var asset = await host.SendAsync("/site.css", cookie);

        Assert.True(asset.SetCookieHeaders.Count == 0, $"Set-Cookie: {string.Join(" | ", asset.SetCookieHeaders)}; Cache-Control: {asset.Header("Cache-Control")}; Vary: {asset.Header("Vary")}");
    }
}
