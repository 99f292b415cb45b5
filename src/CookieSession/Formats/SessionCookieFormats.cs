using CookieSession.Formats.Connect;
using CookieSession.Formats.Express;
using CookieSession.Formats.Protected;
using CookieSession.Signing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CookieSession.Formats;

/// <summary>Chooses the wire format the options ask for: the one place that knows every format.</summary>
internal static class SessionCookieFormats
{
    public static ISessionCookieFormat Create(
        CookieSessionOptions options,
        IReadOnlyList<string> secrets,
        TimeProvider time,
        ILogger logger,
        IServiceProvider services)
    {
        var name = options.Cookie.Name!;
        return options.Format switch
        {
            CookieSessionFormat.Connect => new ConnectSessionFormat(name, HmacSigner.ForCookieSignature(secrets), logger),
            CookieSessionFormat.ExpressCookieSession => new ExpressSessionFormat(name, HmacSigner.ForKeygrip(secrets, options.KeygripAlgorithm), logger),
            CookieSessionFormat.Protected => new ProtectedSessionFormat(name, services.GetRequiredService<IDataProtectionProvider>(), options, time, logger),
            _ => throw new InvalidOperationException($"Unknown {nameof(CookieSessionOptions)}.{nameof(CookieSessionOptions.Format)}: {options.Format}."),
        };
    }

    /// <summary>Whether the format signs with <see cref="CookieSessionOptions.Secret"/> (else it needs none).</summary>
    public static bool NeedsSecret(CookieSessionFormat format) => format is CookieSessionFormat.Connect or CookieSessionFormat.ExpressCookieSession;

    /// <summary>Whether the format carries the session's times, so that the server can enforce its lifetimes.</summary>
    public static bool CarriesTimes(CookieSessionFormat format) => format is CookieSessionFormat.Protected;
}
