using CookieSession.Session;
using Microsoft.AspNetCore.Http;

namespace CookieSession;

/// <summary>
/// What <see cref="CookieSessionOptions.OnValidateSession"/> is given: a request that brought a valid session cookie,
/// the session, and the times the cookie carries.
/// </summary>
public sealed class CookieSessionValidationContext
{
    private readonly RequestSession _session;

    internal CookieSessionValidationContext(RequestSession session, DateTimeOffset? createdAt, DateTimeOffset? issuedAt)
    {
        _session = session;
        CreatedAt = createdAt;
        IssuedAt = issuedAt;
    }

    /// <summary>The request's context.</summary>
    public HttpContext HttpContext => _session.HttpContext;

    /// <summary>The session the cookie brought.</summary>
    public ICookieSession Session => _session;

    /// <summary>When the session was created: <see cref="CookieSessionFormat.Protected"/> carries it; <see langword="null"/> for the other formats.</summary>
    public DateTimeOffset? CreatedAt { get; }

    /// <summary>
    /// When its cookie was issued: <see cref="CookieSessionFormat.Protected"/>, <see cref="CookieSessionFormat.Flask"/> and
    /// <see cref="CookieSessionFormat.Django"/> carry it (the last two to the second); <see langword="null"/> for the other formats.
    /// </summary>
    public DateTimeOffset? IssuedAt { get; }

    /// <summary>Whether <see cref="RejectSession"/> was called.</summary>
    public bool IsRejected { get; private set; }

    /// <summary>
    /// Whether the response writes a new cookie even if the session does not change (for example after the
    /// application refreshed something it keeps in it). Default: <see langword="false"/>.
    /// </summary>
    public bool ShouldRenew { get; set; }

    /// <summary>
    /// Refuses the session: the application sees an empty new session, and the cookie is deleted unless something
    /// is stored, which starts a new session.
    /// </summary>
    public void RejectSession()
    {
        IsRejected = true;
        _session.ClearCookie();
    }
}
