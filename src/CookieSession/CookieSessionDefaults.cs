namespace CookieSession;

/// <summary>
/// Default values used by the cookie session middleware.
/// </summary>
public static class CookieSessionDefaults
{
    /// <summary>
    /// The default cookie name, <c>connect.sess</c>: the name Connect's <c>cookieSession</c> uses, so that
    /// a Node application and this one share the cookie without configuration.
    /// </summary>
    public const string CookieName = "connect.sess";

    /// <summary>
    /// The default cookie name of the <see cref="CookieSessionFormat.ExpressCookieSession"/> format, <c>session</c>,
    /// as Express's <c>cookie-session</c> names it; its signature travels in <c>session.sig</c>.
    /// </summary>
    public const string ExpressCookieName = "session";

    /// <summary>
    /// The default cookie name of the <see cref="CookieSessionFormat.Protected"/> format, <c>.CookieSession</c>: not a
    /// Node format, so not a Node name (a Connect app on the same host keeps <c>connect.sess</c>).
    /// </summary>
    public const string ProtectedCookieName = ".CookieSession";

    /// <summary>
    /// The default cookie name of the <see cref="CookieSessionFormat.IronSession"/> format, <c>iron-session</c>
    /// (iron-session itself has none: set <see cref="CookieSessionOptions.Cookie"/>'s name to its <c>cookieName</c>).
    /// </summary>
    public const string IronSessionCookieName = "iron-session";

    /// <summary>The default of <see cref="CookieSessionOptions.IronSessionTtl"/>: 14 days, iron-session's.</summary>
    public static readonly TimeSpan IronSessionTtl = TimeSpan.FromDays(14);

    /// <summary>The default cookie name of the <see cref="CookieSessionFormat.Flask"/> format, <c>session</c>, Flask's <c>SESSION_COOKIE_NAME</c>.</summary>
    public const string FlaskCookieName = "session";

    /// <summary>The default of <see cref="FlaskSessionOptions.PermanentSessionLifetime"/>: 31 days, Flask's <c>PERMANENT_SESSION_LIFETIME</c>.</summary>
    public static readonly TimeSpan FlaskPermanentSessionLifetime = TimeSpan.FromDays(31);

    /// <summary>
    /// The default of <see cref="CookieSessionOptions.IdleTimeout"/> with <see cref="CookieSessionFormat.Protected"/>
    /// when neither it nor <see cref="CookieSessionOptions.AbsoluteTimeout"/> is set: 14 days, cookie authentication's
    /// default sliding expiration.
    /// </summary>
    public static readonly TimeSpan ProtectedIdleTimeout = TimeSpan.FromDays(14);

    /// <summary>The shortest iron-session password: 32 characters, as iron-session requires.</summary>
    public const int MinimumIronSessionPasswordLength = 32;

    /// <summary>The default cookie path, <c>/</c>.</summary>
    public const string CookiePath = "/";

    /// <summary>
    /// The largest <c>Set-Cookie</c> (name, value and attributes) the middleware writes: 4096 bytes, the
    /// limit browsers apply. A larger session is never written silently: writing it throws
    /// <see cref="CookieSessionTooLargeException"/>.
    /// </summary>
    public const int MaxCookieSize = 4096;

    /// <summary>
    /// The default of <see cref="CookieSessionOptions.MaxChunkedSize"/>: 7680 bytes. A chunked session comes back in
    /// the request's <c>Cookie</c> header beside every other cookie of the site, and common proxies refuse a header
    /// line over 8 KB (nginx's default), so the session leaves 512 bytes for the rest.
    /// </summary>
    public const int MaxChunkedSize = 7680;

    /// <summary>
    /// The default of <see cref="CookieSessionOptions.VerifiedCookieCacheSize"/>: 1024 entries (at most 16 MB).
    /// </summary>
    public const int VerifiedCookieCacheSize = 1024;

    /// <summary>
    /// The deepest nesting of objects and arrays a session may have: 64. A cookie nested deeper is
    /// rejected when read, and a session nested deeper throws when written.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// The shortest secret, in UTF-8 bytes, that is not warned about at start-up: 32 bytes, the output
    /// size of HMAC-SHA256.
    /// </summary>
    public const int RecommendedSecretLength = 32;

    /// <summary>
    /// The default of <see cref="CookieSessionOptions.KeyRingReloadInterval"/>: 1 minute. A key revoked in the Data
    /// Protection key store is refused by every server within that time (Data Protection's own cache keeps a ring for
    /// about a day).
    /// </summary>
    public static readonly TimeSpan KeyRingReloadInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The longest a request waits for the Data Protection key store with <see cref="CookieSessionFormat.Protected"/>:
    /// 2 seconds. The key ring is read in the background; a request waits only for a read it asked for (its cookie
    /// names a key this server has not read), and when the store does not answer within this time, the session is
    /// unavailable (<see cref="CookieSessionUnavailableException"/>).
    /// </summary>
    public static readonly TimeSpan KeyStoreWait = TimeSpan.FromSeconds(2);

    /// <summary>The name of the key ring health check (<c>AddCookieSessionKeyRing</c>): <c>cookiesession_keyring</c>.</summary>
    public const string KeyRingHealthCheckName = "cookiesession_keyring";

    /// <summary>The tag of the key ring health check, <c>ready</c>: for readiness probes, not liveness ones.</summary>
    public const string ReadinessTag = "ready";
}
