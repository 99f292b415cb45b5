namespace CookieSession;

/// <summary>
/// Thrown when the application uses a session that is unavailable: the request brought a
/// <see cref="CookieSessionFormat.Protected"/> cookie that may be good, but the Data Protection key ring cannot be read
/// now (its key store does not answer), so the cookie could not be opened; or a new session could not be sealed for the
/// same reason. The cookie is never overwritten nor deleted by such a request, and loads again once the key store
/// answers. <see cref="Microsoft.AspNetCore.Http.ISession.IsAvailable"/> is <see langword="false"/> for such a session.
/// When the application does not handle it and the response has not started, the middleware answers
/// 503 Service Unavailable.
/// </summary>
/// <remarks>
/// A cookie that is bad (tampered, under a revoked key, or from another application) is not unavailable: its session
/// is empty, as always. With a Data Protection provider whose key ring cannot be watched (one made by
/// <c>DataProtectionProvider.Create</c>, or an ephemeral one) the two cannot be told apart, and every cookie that does
/// not open is a bad one.
/// </remarks>
public sealed class CookieSessionUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="cookieName">The name of the session cookie.</param>
    /// <param name="innerException">The key store's error, when there is one.</param>
    public CookieSessionUnavailableException(string cookieName, Exception? innerException = null)
        : base($"The session of the cookie '{cookieName}' is unavailable: the Data Protection key ring cannot be read from its key store now. The cookie is left as it is and its session loads once the key store answers; if not handled, the request is answered 503 Service Unavailable.", innerException)
    {
        CookieName = cookieName;
    }

    /// <summary>The name of the session cookie.</summary>
    public string CookieName { get; }
}
