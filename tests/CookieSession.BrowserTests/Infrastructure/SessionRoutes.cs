using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CookieSession.BrowserTests.Infrastructure;

/// <summary>
/// The endpoints the browser tests drive, mapped under any prefix. The session ones use the library's public API
/// only; the pages are what a second site shows to link to, post to or embed the first.
/// </summary>
public static class SessionRoutes
{
    /// <summary>The user the tests sign in.</summary>
    public const string User = "ana";

    /// <summary>What <c>/whoami</c> answers without a session.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>How long "remember me" keeps the cookie.</summary>
    public static readonly TimeSpan RememberFor = TimeSpan.FromDays(30);

    /// <summary>
    /// <list type="bullet">
    /// <item><c>/login</c> (<c>?remember=1</c>: with <c>Cookie.MaxAge</c> for this response): stores the user.</item>
    /// <item><c>/whoami</c>, any method: the user, or <see cref="Anonymous"/>; changes nothing.</item>
    /// <item><c>/visit</c>: counts visits in the session; answers <c>user count</c>.</item>
    /// <item><c>/logout</c>: <c>ClearCookieSession</c>.</item>
    /// <item><c>/big?size=N</c>: stores <see cref="BigValue"/>(N); <c>/big/read</c>: answers what is stored.</item>
    /// <item><c>/cookies</c>: the names of the cookies the request brought, sorted, comma-separated (what the
    /// server received; not their values).</item>
    /// <item><c>/links?to=URL</c>: a page with a link (<c>#link</c>) and a form posting (<c>#post</c>) to URL.</item>
    /// <item><c>/frame?src=URL</c>: a page embedding URL in an iframe.</item>
    /// </list>
    /// </summary>
    public static IEndpointRouteBuilder MapSessionRoutes(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/login", (HttpContext context) =>
        {
            var session = context.GetCookieSession();
            session.Set("user", User);
            if (context.Request.Query["remember"] == "1")
            {
                session.Cookie.MaxAge = RememberFor;
            }

            return "signed in";
        });
        routes.Map("/whoami", (HttpContext context) => context.GetCookieSession().Get<string>("user") ?? Anonymous);
        routes.MapGet("/visit", (HttpContext context) =>
        {
            var session = context.GetCookieSession();
            var visits = session.Get<int>("visits") + 1;
            session.Set("visits", visits);
            return $"{session.Get<string>("user") ?? Anonymous} {visits}";
        });
        routes.MapGet("/logout", (HttpContext context) =>
        {
            context.ClearCookieSession();
            return "signed out";
        });
        routes.MapGet("/big", (HttpContext context, int size) =>
        {
            context.GetCookieSession().Set("big", BigValue(size));
            return $"stored {size}";
        });
        routes.MapGet("/big/read", (HttpContext context) => context.GetCookieSession().Get<string>("big") ?? "none");
        routes.Map("/cookies", (HttpContext context) => string.Join(",", context.Request.Cookies.Keys.Order(StringComparer.Ordinal)));
        routes.MapGet("/links", (string to) => Results.Content(
            $"""
            <!doctype html>
            <a id="link" href="{WebUtility.HtmlEncode(to)}">link</a>
            <form id="form" method="post" action="{WebUtility.HtmlEncode(to)}"><button id="post">post</button></form>
            """,
            "text/html"));
        routes.MapGet("/frame", (string src) => Results.Content(
            $"""<!doctype html><iframe src="{WebUtility.HtmlEncode(src)}"></iframe>""",
            "text/html"));
        return routes;
    }

    /// <summary>
    /// <paramref name="size"/> characters that no encoding shortens or lengthens (letters and digits, in an
    /// order that does not repeat early).
    /// </summary>
    public static string BigValue(int size)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var random = new Random(size);
        return string.Create(size, random, static (span, random) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[random.Next(Alphabet.Length)];
            }
        });
    }
}
