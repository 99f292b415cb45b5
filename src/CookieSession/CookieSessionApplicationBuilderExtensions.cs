using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CookieSession;

/// <summary>Adds the cookie session middleware to the pipeline.</summary>
public static class CookieSessionApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the cookie session middleware: requests after it have <see cref="CookieSessionHttpContextExtensions.GetCookieSession"/>
    /// and <c>HttpContext.Session</c>. Needs <see cref="CookieSessionServiceCollectionExtensions.AddCookieSession(IServiceCollection, Action{CookieSessionOptions})"/>.
    /// Place it after forwarded headers and cookie policy, before what uses the session.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <exception cref="InvalidOperationException"><see cref="CookieSessionServiceCollectionExtensions.AddCookieSession(IServiceCollection, Action{CookieSessionOptions})"/> was not called.</exception>
    public static IApplicationBuilder UseCookieSession(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<CookieSessionMarkerService>() is null)
        {
            throw new InvalidOperationException(
                "UseCookieSession needs the cookie session's services: call builder.Services.AddCookieSession(...) when adding the application's services.");
        }

        // A warning, not a failure: an application may use ASP.NET Core's session in one branch of its pipeline and
        // this one in another on purpose.
        if (app.ApplicationServices.GetService<IServiceProviderIsService>()?.IsService(typeof(ISessionStore)) == true)
        {
            Log.AspNetSessionAlsoRegistered(app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger<CookieSessionMiddleware>());
        }

        return app.UseMiddleware<CookieSessionMiddleware>();
    }
}
