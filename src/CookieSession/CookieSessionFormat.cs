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
}
