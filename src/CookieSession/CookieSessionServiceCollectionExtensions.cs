using CookieSession.Diagnostics;
using CookieSession.Mvc;
using CookieSession.Options;
using CookieSession.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CookieSession;

/// <summary>Registers the cookie session and signed cookie services.</summary>
public static class CookieSessionServiceCollectionExtensions
{
    /// <summary>
    /// Adds the cookie session, and ASP.NET Core Data Protection if the application has not (the
    /// <see cref="CookieSessionFormat.Protected"/> format uses it). The options are validated when the application
    /// starts: a signed format without a secret fails at start-up with an <see cref="OptionsValidationException"/>.
    /// Calling it twice is harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures <see cref="CookieSessionOptions"/>.</param>
    public static IServiceCollection AddCookieSession(this IServiceCollection services, Action<CookieSessionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<CookieSessionOptions>().ValidateOnStart();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.AddOptions<SignedCookieOptions>();
        services.AddLogging();

        // The Protected format's keys: the application's own Data Protection when it set it up (AddDataProtection
        // adds only what is missing), else the default key ring.
        services.AddDataProtection();

        // The meter "CookieSession", through the application's IMeterFactory.
        services.AddMetrics();
        services.TryAddSingleton<CookieSessionMetrics>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CookieSessionMarkerService>();
        services.TryAddSingleton<ICookieSessionCodec, Session.CookieSessionCodec>();

        // The session as a parameter of MVC actions and Razor Pages handlers, and as a service of the request.
        services.TryAddEnumerable(ServiceDescriptor.Transient<IConfigureOptions<MvcOptions>, CookieSessionMvcOptionsSetup>());
        services.TryAddScoped<ICookieSession>(static provider => (provider.GetService<IHttpContextAccessor>()?.HttpContext
            ?? throw new InvalidOperationException(
                "ICookieSession as a service needs the request: call builder.Services.AddHttpContextAccessor(), and resolve it within a request. A handler can take ICookieSession as a parameter instead.")).GetCookieSession());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<CookieSessionOptions>, CookieSessionPostConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CookieSessionOptions>, CookieSessionOptionsValidator>());
        return services;
    }

    /// <summary>
    /// Adds signed cookies (Express's <c>cookieParser(secret)</c>): the secrets of
    /// <see cref="SignedCookieHttpExtensions"/>, which also sign the cookie session when it has no secret of its own.
    /// Validated at start-up. Calling it twice is harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures <see cref="SignedCookieOptions"/>.</param>
    public static IServiceCollection AddSignedCookies(this IServiceCollection services, Action<SignedCookieOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SignedCookieOptions>().Configure(configure).ValidateOnStart();
        services.AddLogging();
        services.TryAddSingleton<SignedCookies>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignedCookieOptions>, SignedCookieOptionsValidator>());
        return services;
    }
}
