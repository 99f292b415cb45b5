using CookieSession.Session;
using Microsoft.AspNetCore.Http;

namespace CookieSession;

/// <summary>Access to the cookie session of a request.</summary>
public static class CookieSessionHttpContextExtensions
{
    /// <summary>The session of this request.</summary>
    /// <param name="context">The request's context.</param>
    /// <exception cref="InvalidOperationException">The cookie session middleware is not in this request's pipeline.</exception>
    public static ICookieSession GetCookieSession(this HttpContext context) => State(context);

    /// <summary>
    /// Ends the session (Connect's <c>req.session = null</c>): the response deletes the cookie, with its path and
    /// domain, whatever the session held. Storing something afterwards starts a new session instead.
    /// </summary>
    /// <param name="context">The request's context.</param>
    /// <exception cref="InvalidOperationException">The middleware is missing, or the response has started.</exception>
    public static void ClearCookieSession(this HttpContext context) => State(context).ClearCookie();

    private static RequestSession State(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features[typeof(RequestSession)] as RequestSession
            ?? throw new InvalidOperationException(
                "No cookie session for this request: call services.AddCookieSession() and app.UseCookieSession() before the code that uses the session.");
    }
}
