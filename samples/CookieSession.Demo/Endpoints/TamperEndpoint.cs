using CookieSession.Demo.Inspection;
using CookieSession.Demo.Pages;
using Microsoft.Extensions.Options;

namespace CookieSession.Demo.Endpoints;

/// <summary>
/// The tamper button: sends the session cookie back with one character changed. It never uses the session, so the
/// library writes no cookie over the changed one; the next request brings it, and the library refuses it.
/// </summary>
internal static class TamperEndpoint
{
    public static void MapTamperEndpoint(this IEndpointRouteBuilder routes)
        => routes.MapPost("/tamper", Tamper).RequireForms();

    private static IResult Tamper(HttpContext context, DemoSettings settings, IOptions<CookieSessionOptions> options)
    {
        var cookie = CookieInspector.Inspect(context.Request, settings.Format, options.Value.Cookie.Name!);
        if (CookieTamperer.Tamper(cookie) is not { } tampering)
        {
            return Results.Redirect(Layout.CookiePath);
        }

        CookieTamperer.Send(context, tampering, options.Value);
        return Results.Redirect(
            $"{Layout.CookiePath}?{CookiePage.TamperedCookieQuery}={Uri.EscapeDataString(tampering.CookieName)}&{CookiePage.TamperedIndexQuery}={tampering.Index}");
    }
}
