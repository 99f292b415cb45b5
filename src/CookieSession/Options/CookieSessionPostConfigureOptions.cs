using Microsoft.Extensions.Options;

namespace CookieSession.Options;

/// <summary>
/// Fills in what the defaults depend on: the clock, and, when the session has no secret of its own,
/// the secrets of <c>AddSignedCookies</c> (Connect's "cookie-parser secret" mode).
/// </summary>
internal sealed class CookieSessionPostConfigureOptions : IPostConfigureOptions<CookieSessionOptions>
{
    private readonly TimeProvider _timeProvider;
    private readonly IOptions<SignedCookieOptions> _signedCookieOptions;

    public CookieSessionPostConfigureOptions(TimeProvider timeProvider, IOptions<SignedCookieOptions> signedCookieOptions)
    {
        _timeProvider = timeProvider;
        _signedCookieOptions = signedCookieOptions;
    }

    public void PostConfigure(string? name, CookieSessionOptions options)
    {
        options.TimeProvider ??= _timeProvider;
        if (options.Cookie.Name == CookieSessionDefaults.CookieName)
        {
            options.Cookie.Name = options.Format switch
            {
                CookieSessionFormat.ExpressCookieSession => CookieSessionDefaults.ExpressCookieName,
                CookieSessionFormat.Protected => CookieSessionDefaults.ProtectedCookieName,
                CookieSessionFormat.IronSession => CookieSessionDefaults.IronSessionCookieName,
                _ => options.Cookie.Name,
            };
        }

        if (Formats.WireFormatFactory.NeedsSecret(options.Format) && options.Secret is null && (options.Secrets is null || options.Secrets.Count == 0))
        {
            var shared = _signedCookieOptions.Value;
            options.Secrets = CookieSessionSecrets.Of(shared.Secret, shared.Secrets).ToList();
        }
    }
}
