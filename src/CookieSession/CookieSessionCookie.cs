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
    private DateTimeOffset? _expires;
    private string _path;
    private string? _domain;
    private bool _httpOnly;
    private CookieSecurePolicy _securePolicy;
    private SameSiteMode _sameSite;
    private bool _frozen;

    internal CookieSessionCookie(CookieBuilder builder)
    {
        _maxAge = builder.MaxAge;
        _path = string.IsNullOrEmpty(builder.Path) ? CookieSessionDefaults.CookiePath : builder.Path;
        _domain = string.IsNullOrEmpty(builder.Domain) ? null : builder.Domain;
        _httpOnly = builder.HttpOnly;
        _securePolicy = builder.SecurePolicy;
        _sameSite = builder.SameSite;
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
        set => _maxAge = ThrowIfFrozen() && CookieAttributes.IsValidMaxAge(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"{nameof(MaxAge)} {CookieAttributes.MaxAgeRule}.");
    }

    /// <summary>
    /// A fixed expiry date, used when <see cref="MaxAge"/> is <see langword="null"/>. Default: <see langword="null"/>.
    /// </summary>
    public DateTimeOffset? Expires
    {
        get => _expires;
        set => _expires = ThrowIfFrozen() ? value : null;
    }

    /// <summary>The cookie's path. Default: <see cref="CookieSessionOptions.Cookie"/>'s, <c>/</c>.</summary>
    /// <exception cref="ArgumentException">Not a path that starts with <c>/</c> and holds only printable ASCII other than <c>;</c>.</exception>
    public string Path
    {
        get => _path;
        set => _path = ThrowIfFrozen() && CookieAttributes.IsValidPath(value)
            ? value
            : throw new ArgumentException($"The cookie path {CookieAttributes.PathRule}.", nameof(value));
    }

    /// <summary>The cookie's domain. Default: none (the host of the request).</summary>
    /// <exception cref="ArgumentException">Not an ASCII host name (letters, digits, <c>.</c>, <c>-</c>, <c>_</c>).</exception>
    public string? Domain
    {
        get => _domain;
        set => _domain = !ThrowIfFrozen() || string.IsNullOrEmpty(value) ? null : CookieAttributes.IsValidDomain(value)
            ? value
            : throw new ArgumentException($"The cookie domain {CookieAttributes.DomainRule}.", nameof(value));
    }

    /// <summary>Whether scripts are denied the cookie. Default: <see langword="true"/>.</summary>
    public bool HttpOnly
    {
        get => _httpOnly;
        set => _httpOnly = ThrowIfFrozen() && value;
    }

    /// <summary>
    /// Whether the cookie is marked <c>Secure</c>. With <see cref="CookieSecurePolicy.Always"/> the cookie is
    /// written only when the request came over TLS. Default: <see cref="CookieSecurePolicy.SameAsRequest"/>.
    /// </summary>
    public CookieSecurePolicy SecurePolicy
    {
        get => _securePolicy;
        set => _securePolicy = ThrowIfFrozen() ? value : default;
    }

    /// <summary>
    /// The cookie's <c>SameSite</c> attribute. Default: <see cref="SameSiteMode.Lax"/>. Browsers refuse
    /// <see cref="SameSiteMode.None"/> without <c>Secure</c>: a warning is logged when that is written.
    /// </summary>
    public SameSiteMode SameSite
    {
        get => _sameSite;
        set => _sameSite = ThrowIfFrozen() ? value : default;
    }

    /// <summary>From now on (the response started: the cookie is written) a change throws instead of being lost.</summary>
    internal void Freeze() => _frozen = true;

    /// <summary>Whether every setting equals <paramref name="other"/>'s.</summary>
    internal bool HasSameSettings(CookieSessionCookie other)
        => _maxAge == other._maxAge
            && _expires == other._expires
            && string.Equals(_path, other._path, StringComparison.Ordinal)
            && string.Equals(_domain, other._domain, StringComparison.Ordinal)
            && _httpOnly == other._httpOnly
            && _securePolicy == other._securePolicy
            && _sameSite == other._sameSite;

    private bool ThrowIfFrozen() => !_frozen
        ? true
        : throw new InvalidOperationException("The session cookie's settings cannot be changed after the response has started: the cookie has already been written.");
}
