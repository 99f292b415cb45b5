using CookieSession.Formats.Connect;
using CookieSession.Formats.Express;
using CookieSession.Signing;

namespace CookieSession.Formats;

/// <summary>Chooses the wire format the options ask for: the one place that knows every format.</summary>
internal static class SessionCookieFormats
{
    public static ISessionCookieFormat Create(CookieSessionOptions options, IReadOnlyList<string> secrets)
    {
        var name = options.Cookie.Name!;
        return options.Format switch
        {
            CookieSessionFormat.Connect => new ConnectSessionFormat(name, HmacSigner.ForCookieSignature(secrets)),
            CookieSessionFormat.ExpressCookieSession => new ExpressSessionFormat(name, HmacSigner.ForKeygrip(secrets, options.KeygripAlgorithm)),
            _ => throw new InvalidOperationException($"Unknown {nameof(CookieSessionOptions)}.{nameof(CookieSessionOptions.Format)}: {options.Format}."),
        };
    }
}
