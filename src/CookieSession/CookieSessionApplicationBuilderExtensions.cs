using Microsoft.AspNetCore.Builder;

namespace CookieSession;

/// <summary>Adds the cookie session middleware to the pipeline.</summary>
public static class CookieSessionApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the cookie session middleware: requests after it have <see cref="CookieSessionHttpContextExtensions.GetCookieSession"/>
    /// and <c>HttpContext.Session</c>. Needs <see cref="CookieSessionServiceCollectionExtensions.AddCookieSession"/>.
    /// Place it after forwarded headers and cookie policy, before what uses the session.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <exception cref="InvalidOperationException"><see cref="CookieSessionServiceCollectionExtensions.AddCookieSession"/> was not called.</exception>
    public static IApplicationBuilder UseCookieSession(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService(typeof(CookieSessionMarkerService)) is null)
        {
            throw new InvalidOperationException(
                "UseCookieSession needs the cookie session's services: call builder.Services.AddCookieSession(...) when adding the application's services.");
        }

        return app.UseMiddleware<CookieSessionMiddleware>();
    }
}
