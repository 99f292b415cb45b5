using CookieSession.Formats.Connect;
using CookieSession.Formats.Express;
using CookieSession.Signing;
using Microsoft.Extensions.Logging;

namespace CookieSession.Formats;

/// <summary>Chooses the wire format the options ask for: the one place that knows every format.</summary>
internal static class SessionCookieFormats
{
    public static ISessionCookieFormat Create(CookieSessionOptions options, IReadOnlyList<string> secrets, ILogger logger)
    {
        var name = options.Cookie.Name!;
        return options.Format switch
        {
            CookieSessionFormat.Connect => new ConnectSessionFormat(name, HmacSigner.ForCookieSignature(secrets), logger),
            CookieSessionFormat.ExpressCookieSession => new ExpressSessionFormat(name, HmacSigner.ForKeygrip(secrets, options.KeygripAlgorithm), logger),
            _ => throw new InvalidOperationException($"Unknown {nameof(CookieSessionOptions)}.{nameof(CookieSessionOptions.Format)}: {options.Format}."),
        };
    }
}
