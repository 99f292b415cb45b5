using CookieSession.BrowserTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.BrowserTests.Cookies;

public sealed class PathTests(ChromiumBrowser browser) : BrowserTest(browser)
{
    [Fact]
    public async Task CookiePath_SentUnderThePathOnly()
    {
        var app = await StartAppAsync(
            services => services.AddCookieSession(TestSessions.Options(CookieSessionFormat.Connect, o => o.Cookie.Path = "/app")),
            app =>
            {
                app.UseCookieSession();
                app.MapGroup("/app").MapSessionRoutes();
                app.MapGroup("/other").MapSessionRoutes();
                app.MapGroup("/apple").MapSessionRoutes();
            });

        await GoToAsync(app.Url(Sites.A, "/app/login"));

        var cookie = Assert.Single(await JarAsync());
        Assert.Equal("/app", cookie.Path);
        Assert.Equal(CookieSessionDefaults.CookieName, await GoToAsync(app.Url(Sites.A, "/app/cookies")));
        Assert.Equal(SessionRoutes.User, await GoToAsync(app.Url(Sites.A, "/app/whoami")));

        // Outside the path the browser does not send it, not even under a path that only starts with "/app".
        Assert.Equal(string.Empty, await GoToAsync(app.Url(Sites.A, "/other/cookies")));
        Assert.Equal(SessionRoutes.Anonymous, await GoToAsync(app.Url(Sites.A, "/other/whoami")));
        Assert.Equal(string.Empty, await GoToAsync(app.Url(Sites.A, "/apple/cookies")));
    }
}
