namespace CookieSession;

/// <summary>How the session is written into cookies.</summary>
public enum CookieSessionFormat
{
    /// <summary>
    /// Connect's <c>cookieSession</c> (and Express's signed JSON cookies): one cookie,
    /// <c>s:j:&lt;JSON&gt;.&lt;HMAC-SHA256&gt;</c>, percent-encoded. Default cookie name <c>connect.sess</c>.
    /// </summary>
    Connect = 0,

    /// <summary>
    /// Express's <c>cookie-session</c> (version 2): the cookie <c>name</c> holds the JSON in base64, and
    /// <c>name.sig</c> a keygrip signature (HMAC-SHA1 by default, URL-safe base64 without padding) of
    /// <c>name=value</c>. Default cookie name <c>session</c>.
    /// </summary>
    ExpressCookieSession = 1,

    /// <summary>
    /// Encrypted and authenticated with the application's ASP.NET Core Data Protection (no secret needed; the key
    /// ring is shared by every server that shares it), with the session's creation and issue times inside, so that
    /// <see cref="CookieSessionOptions.IdleTimeout"/> and <see cref="CookieSessionOptions.AbsoluteTimeout"/> are
    /// enforced by the server. Split into several cookies past 4 KB as ASP.NET's own chunked cookies are
    /// (<c>name=chunks-N</c>, <c>nameC1</c>...). Not readable by Node. Default cookie name <c>.CookieSession</c>.
    /// </summary>
    Protected = 2,

    /// <summary>
    /// iron-session's sealed cookie (versions 8 and 9, the encrypted sessions of Next.js apps): <c>@hapi/iron</c>'s seal
    /// (AES-256-CBC and HMAC-SHA256 under keys derived from a password of at least 32 characters) of the JSON, plus
    /// iron-session's <c>~2</c>, chunked past 4096 bytes as iron-session 9 does (<c>name.0</c> ... <c>name.3</c>). The
    /// password is <see cref="CookieSessionOptions.Secret"/> (id 1) or <see cref="CookieSessionOptions.IronSessionPasswords"/>;
    /// the seal's expiration is <see cref="CookieSessionOptions.IronSessionTtl"/>. Default cookie name <c>iron-session</c>.
    /// </summary>
    IronSession = 3,

    /// <summary>
    /// Rails' <c>ActionDispatch::Session::CookieStore</c> (Rails 5.2 to 8, <c>cookies_serializer = :json</c>): the JSON
    /// in Rails' <c>_rails</c> metadata envelope (purpose <c>cookie.&lt;name&gt;</c>, expiry <c>exp</c>), encrypted with
    /// AES-256-GCM under a key PBKDF2 derives from <c>secret_key_base</c> (<see cref="CookieSessionOptions.Secret"/>, or
    /// <see cref="CookieSessionOptions.Secrets"/> newest first), as <c>base64(data)--base64(iv)--base64(tag)</c>,
    /// percent-escaped. The derivation's digest and the envelope written are <see cref="CookieSessionOptions.Rails"/>;
    /// Rails' <c>expire_after</c> is <see cref="Microsoft.AspNetCore.Http.CookieBuilder.MaxAge"/>. Marshal-serialized
    /// sessions are refused. Rails has no default cookie name: <see cref="CookieSessionOptions.Cookie"/>'s name is required.
    /// </summary>
    Rails = 4,

    /// <summary>
    /// Flask's own session cookie (<c>SecureCookieSessionInterface</c>, Flask 2 and 3): itsdangerous's
    /// <c>URLSafeTimedSerializer</c>, <c>payload.timestamp.signature</c>. The payload is Flask's tagged JSON in URL-safe
    /// base64 (after a <c>.</c>, compressed with zlib when that is shorter), the timestamp the signing time, and the
    /// signature an HMAC-SHA1 under a key derived from <see cref="CookieSessionOptions.Secret"/> (Flask's <c>SECRET_KEY</c>)
    /// with the salt <c>cookie-session</c>; <see cref="CookieSessionOptions.Secrets"/> after the first are
    /// <c>SECRET_KEY_FALLBACKS</c>. A cookie signed longer ago than <see cref="FlaskSessionOptions.PermanentSessionLifetime"/>
    /// is refused. Flask's tags (<c>{" t": [...]}</c> for a tuple, as in <c>_flashes</c>) are left as they are, both
    /// ways. Default cookie name <c>session</c>.
    /// </summary>
    Flask = 5,

    /// <summary>
    /// Django's <c>signed_cookies</c> session backend (Django 3.1 and later, JSON serializer): one cookie,
    /// <c>payload:timestamp:signature</c>, the payload the session's JSON (zlib-compressed when shorter, then prefixed
    /// with <c>.</c>) in URL-safe base64, the timestamp base-62 seconds, the signature HMAC-SHA256 under a key derived
    /// from Django's <c>SECRET_KEY</c> (<see cref="CookieSessionOptions.Secret"/>, or
    /// <see cref="CookieSessionOptions.Secrets"/> with <c>SECRET_KEY_FALLBACKS</c> after it). A cookie older than
    /// <see cref="DjangoSessionOptions.SessionCookieAge"/> is refused, as Django refuses it. Default cookie name
    /// <c>sessionid</c>.
    /// </summary>
    Django = 6,
}
