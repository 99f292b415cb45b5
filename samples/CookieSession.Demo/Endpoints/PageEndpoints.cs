using CookieSession.Demo.Account;
using CookieSession.Demo.Inspection;
using CookieSession.Demo.Pages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CookieSession.Demo.Endpoints;

/// <summary>The pages: the shop, the cookie inspector, and the session as JSON.</summary>
internal static class PageEndpoints
{
    public static void MapPageEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Layout.ShopPath, Shop);
        routes.MapGet(Layout.CookiePath, Cookie);
        routes.MapGet("/session.json", (HttpContext context) => Results.Json(SessionJson.Of(context.GetCookieSession())));
    }

    private static IResult Shop(HttpContext context, DemoSettings settings, IOptions<CookieSessionOptions> options)
    {
        var cookie = CookieInspector.Inspect(context.Request, settings.Format, options.Value.Cookie.Name!);

        // Every visit changes the session, so every answer carries a freshly signed (or sealed) cookie.
        context.GetCookieSession().CountVisit();
        return ShopPage.Render(Frame.For(context), cookie);
    }

    private static IResult Cookie(HttpContext context, DemoSettings settings, IOptions<CookieSessionOptions> options,
        [FromQuery(Name = CookiePage.TamperedCookieQuery)] string? tampered,
        [FromQuery(Name = CookiePage.TamperedIndexQuery)] int? at)
    {
        var cookie = CookieInspector.Inspect(context.Request, settings.Format, options.Value.Cookie.Name!);

        // The session as the cookie brought it, before the page takes its messages out.
        var session = SessionJson.Indented(context.GetCookieSession());
        var highlight = tampered is not null && at is { } index ? (tampered, index) : ((string, int)?)null;
        return CookiePage.Render(Frame.For(context), cookie, session, highlight);
    }
}
