namespace CookieSession.Demo.Pages;

/// <summary>How the pages describe each format.</summary>
internal static class FormatText
{
    public static string Name(CookieSessionFormat format) => format switch
    {
        CookieSessionFormat.ExpressCookieSession => "Express cookie-session",
        CookieSessionFormat.IronSession => "iron-session",
        _ => format.ToString(),
    };

    /// <summary>What the cookie is, in a few words.</summary>
    public static string Short(CookieSessionFormat format) => format switch
    {
        CookieSessionFormat.Connect => "signed JSON, readable by Node's Connect and Express",
        CookieSessionFormat.ExpressCookieSession => "base64 JSON plus a signature cookie, as Express's cookie-session",
        CookieSessionFormat.Protected => "encrypted with ASP.NET Core Data Protection, lifetimes enforced by the server",
        CookieSessionFormat.IronSession => "sealed (encrypted and signed) as iron-session, Next.js's sessions",
        CookieSessionFormat.Rails => "encrypted as Rails' CookieStore, under keys derived from secret_key_base",
        CookieSessionFormat.Flask => "signed JSON, as Flask's default session (itsdangerous)",
        CookieSessionFormat.Django => "signed JSON, as Django's signed_cookies session backend",
        _ => string.Empty,
    };

    /// <summary>Who can read the session from the cookie.</summary>
    public static string Readability(CookieSessionFormat format) => format switch
    {
        CookieSessionFormat.Connect or CookieSessionFormat.ExpressCookieSession or CookieSessionFormat.Flask or CookieSessionFormat.Django =>
            "Anyone who holds the cookie can read the session; nobody without the secret can change it.",
        CookieSessionFormat.Protected => "Nobody can read or change the session without the application's Data Protection key ring.",
        CookieSessionFormat.IronSession => "Nobody can read or change the session without the password.",
        CookieSessionFormat.Rails => "Nobody can read or change the session without secret_key_base.",
        _ => string.Empty,
    };

    /// <summary>How long "remember me" keeps the cookie, as the settings make it.</summary>
    public static string Remember(DemoSettings settings) => settings.Format switch
    {
        CookieSessionFormat.Protected =>
            $"Keeps the cookie as long as the server accepts it: {settings.RememberFor!.Value.TotalDays:0} days at most, "
            + $"{DemoSettings.ProtectedIdleTimeout.TotalDays:0} days after your last visit, {DemoSettings.ProtectedAbsoluteTimeout.TotalDays:0} days after the session began.",
        CookieSessionFormat.IronSession => "iron-session gives every cookie a Max-Age of its ttl (14 days), remembered or not.",
        _ => $"Keeps the cookie {settings.RememberFor!.Value.TotalDays:0} days; without it the cookie ends with the browser session.",
    };
}
