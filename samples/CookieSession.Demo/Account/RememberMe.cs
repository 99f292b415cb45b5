namespace CookieSession.Demo.Account;

/// <summary>
/// "Remember me": a cookie setting such as <c>Max-Age</c> lasts one response, so a remembered session asks for its
/// long-lived cookie again on every response, after the handler has run (sign-in has just set it, sign-out has just
/// cleared it). The session is written with it whenever the page changes the session, which keeps the cookie alive.
/// </summary>
internal static class RememberMe
{
    public static async ValueTask<object?> KeepCookie(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        var context = invocation.HttpContext;
        if (context.RequestServices.GetRequiredService<DemoSettings>().RememberFor is { } rememberFor
            && context.GetCookieSession() is { } session
            && session.IsRemembered())
        {
            session.Cookie.MaxAge = rememberFor;
        }

        return result;
    }
}
