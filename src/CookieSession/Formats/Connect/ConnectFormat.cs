using CookieSession.Cookies;
using CookieSession.Formats.Transports;
using CookieSession.Signing;

namespace CookieSession.Formats.Connect;

/// <summary>The facts of <see cref="CookieSessionFormat.Connect"/>: one percent-encoded cookie, signed with the secrets.</summary>
internal static class ConnectFormat
{
    public static FormatDescriptor Descriptor { get; } = new()
    {
        Format = CookieSessionFormat.Connect,
        DefaultCookieName = CookieSessionDefaults.CookieName,
        MetricName = "connect",
        NeedsSecret = true,
        IsSignedCookieFormat = true,
        RenewalReason = "an older secret signed it",
        CreateTransport = context => new SingleCookie(context.CookieName, CookieValueEncoding.Percent, context.Logger),
        CreateCodec = context => new ConnectCodec(HmacSigner.ForCookieSignature(context.Secrets)),
    };
}
