using CookieSession.Diagnostics;
using CookieSession.Mvc;
using CookieSession.Options;
using CookieSession.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
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
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads",
        Justification = "The first AddCookieSession keeps its signature; the configuration overloads require an IConfiguration, so no call that compiled before binds to them.")]
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
        services.TryAddSingleton<Formats.Protected.KeyRingMonitor>();

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
    /// Adds the cookie session (as <see cref="AddCookieSession(IServiceCollection, Action{CookieSessionOptions})"/>) with
    /// its options read from <paramref name="configuration"/>, usually <c>builder.Configuration.GetSection("CookieSession")</c>:
    /// <c>Secret</c>; <c>Secrets:0</c>, <c>Secrets:1</c>... (the first signs); <c>IronSessionPasswords:1</c>,
    /// <c>IronSessionPasswords:2</c>... (keyed by iron-session's password id); <c>Format</c> and the <c>Cookie:SecurePolicy</c>
    /// and <c>Cookie:SameSite</c> enums by name, in any case; <c>KeygripAlgorithm</c> (<c>SHA1</c>, <c>SHA256</c>,
    /// <c>SHA384</c>, <c>SHA512</c>); <c>IronSessionTtl</c>, <c>IdleTimeout</c>, <c>AbsoluteTimeout</c> and
    /// <c>Cookie:MaxAge</c> as time spans (<c>14.00:00:00</c> is 14 days; an empty value leaves a nullable one unset;
    /// <c>IdleTimeout</c> also takes <c>Infinite</c>, <see cref="Timeout.InfiniteTimeSpan"/>, for no idle limit with
    /// <see cref="CookieSessionFormat.Protected"/>); <c>MaxChunkedSize</c>, <c>VerifiedCookieCacheSize</c>;
    /// <c>Partitioned</c>, <c>TrustProxy</c>, <c>Rolling</c>, <c>SaveUninitialized</c>; <c>Cookie:Name</c>,
    /// <c>Cookie:Path</c>, <c>Cookie:Domain</c>, <c>Cookie:HttpOnly</c>, <c>Cookie:IsEssential</c>. A key that is absent
    /// leaves its default; a list or password set in configuration replaces the default rather than adding to it; keys
    /// not listed here are ignored. A value that does not parse fails the application at start-up with an
    /// <see cref="OptionsValidationException"/> naming its key and the values it accepts. The binding is trimming- and
    /// Native AOT-safe, and is registered with the configuration's change token.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section holding the options.</param>
    public static IServiceCollection AddCookieSession(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // Registered as ConfigurationBinder's Configure(IConfiguration) registers, without its reflection; the middleware
        // reads its options once, but IOptionsMonitor users see a reload.
        services.AddSingleton<IConfigureOptions<CookieSessionOptions>>(new CookieSessionOptionsBinder(configuration));
        services.AddSingleton<IOptionsChangeTokenSource<CookieSessionOptions>>(new ConfigurationChangeTokenSource<CookieSessionOptions>(configuration));
        return services.AddCookieSession();
    }

    /// <summary>
    /// Adds the cookie session with its options read from <paramref name="configuration"/>, as
    /// <see cref="AddCookieSession(IServiceCollection, IConfiguration)"/> reads them, then changed by
    /// <paramref name="configure"/>, which runs after the binding (for what configuration cannot hold, such as
    /// <see cref="CookieSessionOptions.OnValidateSession"/>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section holding the options.</param>
    /// <param name="configure">Configures <see cref="CookieSessionOptions"/> after the binding.</param>
    public static IServiceCollection AddCookieSession(this IServiceCollection services, IConfiguration configuration, Action<CookieSessionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddCookieSession(configuration);
        services.AddOptions<CookieSessionOptions>().Configure(configure);
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
