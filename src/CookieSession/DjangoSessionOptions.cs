namespace CookieSession;

/// <summary>
/// The settings of Django's session that the <see cref="CookieSessionFormat.Django"/> format depends on, named after
/// the Django settings they mirror; set them as the Django project that shares the cookie sets its own. The secrets are
/// <see cref="CookieSessionOptions.Secret"/> (Django's <c>SECRET_KEY</c>) or <see cref="CookieSessionOptions.Secrets"/>
/// (<c>SECRET_KEY</c> first, then <c>SECRET_KEY_FALLBACKS</c>); the cookie's name is <c>sessionid</c> unless
/// <see cref="CookieSessionOptions.Cookie"/> names another (<c>SESSION_COOKIE_NAME</c>).
/// </summary>
public sealed class DjangoSessionOptions
{
    /// <summary>
    /// Django's <c>SESSION_COOKIE_AGE</c>: a cookie signed longer ago than this is refused, as Django's
    /// <c>signing.loads(max_age=…)</c> refuses it, and the cookie's <c>Max-Age</c> is this when
    /// <see cref="CookieSessionOptions.Cookie"/> sets none, as Django writes it. Whole seconds.
    /// Default: <see cref="CookieSessionDefaults.DjangoSessionCookieAge"/> (1209600 seconds, two weeks), Django's.
    /// </summary>
    public TimeSpan SessionCookieAge { get; set; } = CookieSessionDefaults.DjangoSessionCookieAge;

    /// <summary>
    /// Django's <c>SESSION_EXPIRE_AT_BROWSER_CLOSE</c>: the cookie gets no <c>Max-Age</c> (a browser-session cookie)
    /// unless <see cref="CookieSessionOptions.Cookie"/> sets one; <see cref="SessionCookieAge"/> is still enforced on read,
    /// as Django enforces it. Default: <see langword="false"/>, Django's.
    /// </summary>
    public bool ExpireAtBrowserClose { get; set; }
}
