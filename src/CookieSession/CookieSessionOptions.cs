using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CookieSession;

/// <summary>
/// Options of the cookie session middleware.
/// </summary>
public sealed class CookieSessionOptions
{
    private CookieBuilder _cookie = new CookieSessionCookieBuilder();
    private RailsSessionOptions _rails = new();
    private FlaskSessionOptions _flask = new();

    /// <summary>
    /// The secret that signs the session (HMAC-SHA256 over its UTF-8 bytes). Default: none. When both
    /// <see cref="Secret"/> and <see cref="Secrets"/> are set, <see cref="Secret"/> signs and every one
    /// of them verifies. When neither is set, the secrets of <c>AddSignedCookies</c> are used; without
    /// those, the application fails at start-up.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>
    /// Secrets for key rotation: the first signs, every one verifies. A session signed with another than
    /// the first is re-signed with the first when it is next written. Default: empty.
    /// </summary>
    public IList<string> Secrets { get; set; } = new List<string>();

    /// <summary>
    /// The session cookie. Defaults: <see cref="CookieBuilder.Name"/> <c>connect.sess</c>,
    /// <see cref="CookieBuilder.Path"/> <c>/</c>, <see cref="CookieBuilder.HttpOnly"/> <see langword="true"/>,
    /// <see cref="CookieBuilder.MaxAge"/> <see langword="null"/> (a browser-session cookie),
    /// <see cref="CookieBuilder.SameSite"/> <see cref="SameSiteMode.Lax"/>,
    /// <see cref="CookieBuilder.SecurePolicy"/> <see cref="CookieSecurePolicy.SameAsRequest"/>,
    /// <see cref="CookieBuilder.IsEssential"/> <see langword="false"/>.
    /// With <see cref="CookieSecurePolicy.Always"/> the cookie is written only over TLS.
    /// <see cref="CookieBuilder.Expiration"/> is not supported: use <see cref="CookieBuilder.MaxAge"/>.
    /// </summary>
    public CookieBuilder Cookie
    {
        get => _cookie;
        set => _cookie = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// The wire format. Default: <see cref="CookieSessionFormat.Connect"/>. With
    /// <see cref="CookieSessionFormat.ExpressCookieSession"/> and the cookie name left at its default,
    /// the cookie is named <c>session</c>, as Express's <c>cookie-session</c> names it.
    /// </summary>
    public CookieSessionFormat Format { get; set; } = CookieSessionFormat.Connect;

    /// <summary>
    /// The HMAC of the <see cref="CookieSessionFormat.ExpressCookieSession"/> signature (keygrip's algorithm).
    /// Default: <see cref="HashAlgorithmName.SHA1"/>, keygrip's default. SHA256, SHA384 and SHA512 are also accepted.
    /// </summary>
    public HashAlgorithmName KeygripAlgorithm { get; set; } = HashAlgorithmName.SHA1;

    /// <summary>
    /// With <see cref="CookieSessionFormat.IronSession"/>: numbered passwords, as iron-session's
    /// <c>password: { 2: "new", 1: "old" }</c>. The highest id seals; the id written in a seal picks the password that
    /// opens it. Each at least 32 characters. A plain <see cref="Secret"/> is id 1, as iron-session treats a string
    /// password (set one or the other). Default: empty.
    /// </summary>
    public IDictionary<int, string> IronSessionPasswords { get; set; } = new Dictionary<int, string>();

    /// <summary>
    /// With <see cref="CookieSessionFormat.IronSession"/>: iron-session's <c>ttl</c>, how long a seal is valid (its
    /// expiration, checked with iron's 60 seconds of skew); the cookie's <c>Max-Age</c> is 60 seconds less, as
    /// iron-session writes it. <see cref="TimeSpan.Zero"/>: no expiry. Default: 14 days, iron-session's.
    /// </summary>
    public TimeSpan IronSessionTtl { get; set; } = CookieSessionDefaults.IronSessionTtl;

    /// <summary>
    /// With <see cref="CookieSessionFormat.Rails"/>: the key derivation and the envelope of Rails' cookies. Defaults:
    /// Rails 7's (see <see cref="RailsSessionOptions"/>).
    /// </summary>
    public RailsSessionOptions Rails
    {
        get => _rails;
        set => _rails = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// With <see cref="CookieSessionFormat.Flask"/>: what Flask configures beside its secret key
    /// (<see cref="FlaskSessionOptions.PermanentSessionLifetime"/>). Default: Flask's defaults.
    /// </summary>
    public FlaskSessionOptions Flask
    {
        get => _flask;
        set => _flask = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// With <see cref="CookieSessionFormat.Django"/>: the Django settings the cookie depends on
    /// (<see cref="DjangoSessionOptions.SessionCookieAge"/>). Defaults: Django's.
    /// </summary>
    public DjangoSessionOptions Django { get; } = new();

    /// <summary>
    /// With <see cref="CookieSessionFormat.Protected"/>: a session is refused once more than this has passed since its
    /// cookie was issued, and a response that used the session issues a new cookie once more than half of it has
    /// passed (not before: no re-encryption on every request). Default: with Protected, when
    /// <see cref="AbsoluteTimeout"/> is not set either, <see cref="CookieSessionDefaults.ProtectedIdleTimeout"/> (14 days,
    /// cookie authentication's default); otherwise <see langword="null"/>, no idle limit.
    /// <see cref="Timeout.InfiniteTimeSpan"/> (<c>Infinite</c> in configuration) means no idle limit.
    /// Formats that carry no time (Connect, Express) cannot enforce it: setting it with them fails at start-up.
    /// </summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>
    /// With <see cref="CookieSessionFormat.Protected"/>: a session is refused once more than this has passed since it
    /// was created, however active it is; renewals and changes keep its creation time, a cleared session starts anew.
    /// Default: <see langword="null"/>, no absolute limit. Formats that carry no time cannot enforce it.
    /// </summary>
    public TimeSpan? AbsoluteTimeout { get; set; }

    /// <summary>
    /// The most a session split over several cookies (<see cref="CookieSessionFormat.Protected"/>) may take, in bytes of
    /// <c>name=value</c> pairs as the browser sends them back. Writing a larger one throws
    /// <see cref="CookieSessionTooLargeException"/>. Default: <see cref="CookieSessionDefaults.MaxChunkedSize"/> (7680).
    /// </summary>
    public int MaxChunkedSize { get; set; } = CookieSessionDefaults.MaxChunkedSize;

    /// <summary>
    /// Marks the cookie <c>Partitioned</c> (CHIPS): in a third-party context the browser keeps a separate cookie per
    /// top-level site. Requires <see cref="CookieSecurePolicy.Always"/>, as browsers do. Default: <see langword="false"/>.
    /// </summary>
    public bool Partitioned { get; set; }

    /// <summary>
    /// Called, before the application runs, for every request that brings a valid session cookie, with the session and
    /// the times its cookie carries: it may reject the session (it is emptied and its cookie deleted) or ask for a new
    /// cookie. Like cookie authentication's <c>OnValidatePrincipal</c>: use it to check the session against the server,
    /// for example a per-user "signed out everywhere" time. Read once, when the middleware is built: set it while
    /// configuring the options. Default: <see langword="null"/>.
    /// </summary>
    public Func<CookieSessionValidationContext, Task>? OnValidateSession { get; set; }

    /// <summary>
    /// How many cookie values recently verified, decrypted or written by this process are remembered with what they
    /// held, so that a browser sending the same cookie again costs a lookup instead of an HMAC or a decryption. A value
    /// is found only by a hash seeded at random per process and compared whole in constant time; lifetimes, a reloaded
    /// key ring and <see cref="OnValidateSession"/> are still checked on every request. At most 16 KB an entry.
    /// Default: <see cref="CookieSessionDefaults.VerifiedCookieCacheSize"/> (1024); 0 turns it off.
    /// </summary>
    public int VerifiedCookieCacheSize { get; set; } = CookieSessionDefaults.VerifiedCookieCacheSize;

    /// <summary>
    /// How often, with <see cref="CookieSessionFormat.Protected"/>, the Data Protection key store is read in the
    /// background for the keys it holds: a key revoked there is refused by every server of the application within this
    /// time, the cache of verified values included. While the store does not answer, it is read again every 5 seconds
    /// (or this interval, if shorter). Default: <see cref="CookieSessionDefaults.KeyRingReloadInterval"/> (1 minute).
    /// </summary>
    public TimeSpan KeyRingReloadInterval { get; set; } = CookieSessionDefaults.KeyRingReloadInterval;

    /// <summary>
    /// Trust the first value of <c>X-Forwarded-Proto</c> to tell whether the request came over TLS
    /// (Connect's <c>proxy</c>). Default: <see langword="false"/>. Prefer ASP.NET Core's forwarded
    /// headers middleware, which this option does not replace.
    /// </summary>
    public bool TrustProxy { get; set; }

    /// <summary>
    /// Re-send an unmodified session on every response that used it, so that
    /// <see cref="CookieBuilder.MaxAge"/> counts from the last request rather than the last change.
    /// Default: <see langword="false"/>.
    /// </summary>
    public bool Rolling { get; set; }

    /// <summary>
    /// Write a cookie for a new session that is still empty. Default: <see langword="false"/>: a visitor
    /// gets a cookie only once something is stored.
    /// </summary>
    public bool SaveUninitialized { get; set; }

    /// <summary>
    /// How <see cref="ICookieSession.Get{T}(string)"/> and <see cref="ICookieSession.Set{T}(string, T)"/> convert values.
    /// Default: <see cref="JsonSerializerDefaults.Web"/> (camelCase names, as JavaScript code expects).
    /// </summary>
    public JsonSerializerOptions SerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The clock that dates cookie expiry. Default: the <see cref="System.TimeProvider"/> registered with the
    /// services, else <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }

    private sealed class CookieSessionCookieBuilder : CookieBuilder
    {
        public CookieSessionCookieBuilder()
        {
            Name = CookieSessionDefaults.CookieName;
            Path = CookieSessionDefaults.CookiePath;
            HttpOnly = true;
            SameSite = SameSiteMode.Lax;
            SecurePolicy = CookieSecurePolicy.SameAsRequest;
            IsEssential = false;
        }

        public override TimeSpan? Expiration
        {
            get => null;
            set => throw new InvalidOperationException(
                nameof(Expiration) + " cannot be set for the session cookie: use " + nameof(MaxAge) + " instead.");
        }
    }
}
