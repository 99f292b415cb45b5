namespace CookieSession.BrowserTests.Infrastructure;

/// <summary>Session options the tests share: a format with what it needs (a secret for the signed ones).</summary>
public static class TestSessions
{
    /// <summary>The secret of the signed formats: 32 bytes or more, as iron-session requires.</summary>
    public const string Secret = "a browser test secret, 32 bytes or more";

    /// <summary>Options for <paramref name="format"/>, then <paramref name="configure"/>.</summary>
    public static Action<CookieSessionOptions> Options(CookieSessionFormat format, Action<CookieSessionOptions>? configure = null) => o =>
    {
        o.Format = format;
        if (format != CookieSessionFormat.Protected)
        {
            o.Secret = Secret;
        }

        configure?.Invoke(o);
    };

    /// <summary>The default cookie name of <paramref name="format"/>: its only cookie, or the first of its chunks.</summary>
    public static string CookieName(CookieSessionFormat format) => format switch
    {
        CookieSessionFormat.Connect => CookieSessionDefaults.CookieName,
        CookieSessionFormat.ExpressCookieSession => CookieSessionDefaults.ExpressCookieName,
        CookieSessionFormat.Protected => CookieSessionDefaults.ProtectedCookieName,
        CookieSessionFormat.IronSession => CookieSessionDefaults.IronSessionCookieName,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
