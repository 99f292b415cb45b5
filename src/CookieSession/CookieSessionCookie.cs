using Microsoft.AspNetCore.Http;

namespace CookieSession;

/// <summary>
/// The settings of the session cookie for one response (Connect's <c>req.session.cookie</c>). They
/// start as <see cref="CookieSessionOptions.Cookie"/> says; a handler may change them for this response,
/// for example to give a "remember me" session a <see cref="MaxAge"/>.
/// </summary>
public sealed class CookieSessionCookie
{
    internal CookieSessionCookie(CookieBuilder builder)
    {
        MaxAge = builder.MaxAge;
        Path = string.IsNullOrEmpty(builder.Path) ? CookieSessionDefaults.CookiePath : builder.Path;
        Domain = builder.Domain;
        HttpOnly = builder.HttpOnly;
        SecurePolicy = builder.SecurePolicy;
        SameSite = builder.SameSite;
    }

    /// <summary>
    /// How long the browser keeps the cookie, counted from when the request arrived; written as both
    /// <c>Max-Age</c> and <c>Expires</c>. <see langword="null"/> (the default) makes a browser-session cookie,
    /// unless <see cref="Expires"/> is set.
    /// </summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>
    /// A fixed expiry date, used when <see cref="MaxAge"/> is <see langword="null"/>. Default: <see langword="null"/>.
    /// </summary>
    public DateTimeOffset? Expires { get; set; }

    /// <summary>The cookie's path. Default: <see cref="CookieSessionOptions.Cookie"/>'s, <c>/</c>.</summary>
    public string Path { get; set; }

    /// <summary>The cookie's domain. Default: none (the host of the request).</summary>
    public string? Domain { get; set; }

    /// <summary>Whether scripts are denied the cookie. Default: <see langword="true"/>.</summary>
    public bool HttpOnly { get; set; }

    /// <summary>
    /// Whether the cookie is marked <c>Secure</c>. With <see cref="CookieSecurePolicy.Always"/> the cookie is
    /// written only when the request came over TLS. Default: <see cref="CookieSecurePolicy.SameAsRequest"/>.
    /// </summary>
    public CookieSecurePolicy SecurePolicy { get; set; }

    /// <summary>The cookie's <c>SameSite</c> attribute. Default: <see cref="SameSiteMode.Lax"/>.</summary>
    public SameSiteMode SameSite { get; set; }
}
