using CookieSession.Cookies;
using Microsoft.AspNetCore.Http;

namespace CookieSession;

/// <summary>
/// The settings of the session cookie for one response (Connect's <c>req.session.cookie</c>). They
/// start as <see cref="CookieSessionOptions.Cookie"/> says; a handler may change them for this response,
/// for example to give a "remember me" session a <see cref="MaxAge"/>. A response whose settings differ
/// from the options' writes the cookie even when the session's data did not change.
/// </summary>
public sealed class CookieSessionCookie
{
    private TimeSpan? _maxAge;
    private string _path;
    private string? _domain;

    internal CookieSessionCookie(CookieBuilder builder)
    {
        _maxAge = builder.MaxAge;
        _path = string.IsNullOrEmpty(builder.Path) ? CookieSessionDefaults.CookiePath : builder.Path;
        _domain = string.IsNullOrEmpty(builder.Domain) ? null : builder.Domain;
        HttpOnly = builder.HttpOnly;
        SecurePolicy = builder.SecurePolicy;
        SameSite = builder.SameSite;
    }

    /// <summary>
    /// How long the browser keeps the cookie, counted from when the request arrived; written as both
    /// <c>Max-Age</c> and <c>Expires</c>. <see langword="null"/> (the default) makes a browser-session cookie,
    /// unless <see cref="Expires"/> is set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero or less, or more than 400 days (no browser keeps a cookie longer).</exception>
    public TimeSpan? MaxAge
    {
        get => _maxAge;
        set => _maxAge = CookieAttributes.IsValidMaxAge(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"{nameof(MaxAge)} {CookieAttributes.MaxAgeRule}.");
    }

    /// <summary>
    /// A fixed expiry date, used when <see cref="MaxAge"/> is <see langword="null"/>. Default: <see langword="null"/>.
    /// </summary>
    public DateTimeOffset? Expires { get; set; }

    /// <summary>The cookie's path. Default: <see cref="CookieSessionOptions.Cookie"/>'s, <c>/</c>.</summary>
    /// <exception cref="ArgumentException">Not a path that starts with <c>/</c> and holds only printable ASCII other than <c>;</c>.</exception>
    public string Path
    {
        get => _path;
        set => _path = CookieAttributes.IsValidPath(value)
            ? value
            : throw new ArgumentException($"The cookie path {CookieAttributes.PathRule}.", nameof(value));
    }

    /// <summary>The cookie's domain. Default: none (the host of the request).</summary>
    /// <exception cref="ArgumentException">Not an ASCII host name (letters, digits, <c>.</c>, <c>-</c>, <c>_</c>).</exception>
    public string? Domain
    {
        get => _domain;
        set => _domain = string.IsNullOrEmpty(value) ? null : CookieAttributes.IsValidDomain(value)
            ? value
            : throw new ArgumentException($"The cookie domain {CookieAttributes.DomainRule}.", nameof(value));
    }

    /// <summary>Whether scripts are denied the cookie. Default: <see langword="true"/>.</summary>
    public bool HttpOnly { get; set; }

    /// <summary>
    /// Whether the cookie is marked <c>Secure</c>. With <see cref="CookieSecurePolicy.Always"/> the cookie is
    /// written only when the request came over TLS. Default: <see cref="CookieSecurePolicy.SameAsRequest"/>.
    /// </summary>
    public CookieSecurePolicy SecurePolicy { get; set; }

    /// <summary>
    /// The cookie's <c>SameSite</c> attribute. Default: <see cref="SameSiteMode.Lax"/>. Browsers refuse
    /// <see cref="SameSiteMode.None"/> without <c>Secure</c>: a warning is logged when that is written.
    /// </summary>
    public SameSiteMode SameSite { get; set; }

    /// <summary>Whether every setting equals <paramref name="other"/>'s.</summary>
    internal bool HasSameSettings(CookieSessionCookie other)
        => _maxAge == other._maxAge
            && Expires == other.Expires
            && string.Equals(_path, other._path, StringComparison.Ordinal)
            && string.Equals(_domain, other._domain, StringComparison.Ordinal)
            && HttpOnly == other.HttpOnly
            && SecurePolicy == other.SecurePolicy
            && SameSite == other.SameSite;
}
