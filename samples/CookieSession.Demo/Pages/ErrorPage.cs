using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;
using static CookieSession.Demo.Pages.Html;

namespace CookieSession.Demo.Pages;

/// <summary>
/// The page of an answer without a body, such as a form refused for its antiforgery token (400). It reads the session to
/// show who is signed in, but changes nothing: a refused form leaves the session as it was.
/// </summary>
internal static class ErrorPage
{
    public static Task RenderAsync(StatusCodeContext statusContext)
    {
        var context = statusContext.HttpContext;
        var status = context.Response.StatusCode;
        var antiforgeryFailed = context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false };
        var (title, text) = status switch
        {
            StatusCodes.Status400BadRequest when antiforgeryFailed => (
                "Form refused",
                "The form came without a valid antiforgery token, so the server refused it before running it: your session is exactly as it was. Every form of this demo carries a token tied to a cookie of this browser; a form posted from another site, or an old copy of a page after the token cookie changed, has none that matches."),
            StatusCodes.Status400BadRequest => ("Bad request", "The server could not read that request."),
            StatusCodes.Status404NotFound => ("Not found", "There is no page here."),
            StatusCodes.Status405MethodNotAllowed => ("Method not allowed", "This address takes forms only: use the buttons of the pages."),
            _ => ("Error", "The server could not answer that request."),
        };

        var content = $"""
            <section class="intro error" data-status="{status}">
              <h1>{status} · {E(title)}</h1>
              <p>{E(text)}</p>
              <p><a class="button" href="{Layout.ShopPath}">Back to the shop</a></p>
            </section>
            """;
        return Layout.Render(Frame.For(context, takeFlashes: false), title, string.Empty, content, status).ExecuteAsync(context);
    }
}
