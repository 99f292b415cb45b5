using CookieSession.Formats;
using Microsoft.Extensions.Logging;

namespace CookieSession;

/// <summary>
/// The middleware's log lines. Event ids are stable and never reused. No line carries a secret, a cookie
/// value or session contents.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "SessionCleared", Level = LogLevel.Debug,
        Message = "Session cleared; deleting the cookie {CookieName}.")]
    public static partial void SessionCleared(ILogger logger, string cookieName);

    [LoggerMessage(EventId = 2, EventName = "NotSecured", Level = LogLevel.Debug,
        Message = "Session cookie {CookieName} not written: its SecurePolicy is Always and the request did not come over TLS.")]
    public static partial void NotSecured(ILogger logger, string cookieName);

    // Event 3 (Serializing) is retired: the length of the JSON is part of event 5. Never reuse the id.

    [LoggerMessage(EventId = 4, EventName = "UnmodifiedSession", Level = LogLevel.Debug,
        Message = "Session unmodified; no Set-Cookie for {CookieName}.")]
    public static partial void UnmodifiedSession(ILogger logger, string cookieName);

    [LoggerMessage(EventId = 5, EventName = "SetCookie", Level = LogLevel.Debug,
        Message = "Writing the session cookie {CookieName} ({Length} bytes of JSON).")]
    public static partial void SetCookie(ILogger logger, string cookieName, int length);

    [LoggerMessage(EventId = 6, EventName = "CookieRejected", Level = LogLevel.Information,
        Message = "Session cookie {CookieName} rejected ({Reason}{Error}); the request goes on with an empty session.")]
    public static partial void CookieRejected(ILogger logger, string cookieName, SessionCookieRejection reason, string error);

    public static void CookieRejected(ILogger logger, string cookieName, SessionCookieRejection reason)
        => CookieRejected(logger, cookieName, reason, string.Empty);

    [LoggerMessage(EventId = 7, EventName = "OutsidePath", Level = LogLevel.Debug,
        Message = "The request path is outside the session cookie's path {CookiePath}; the session is neither read nor written.")]
    public static partial void OutsidePath(ILogger logger, string cookiePath);

    [LoggerMessage(EventId = 8, EventName = "CookieTooLarge", Level = LogLevel.Error,
        Message = "Session cookie {CookieName} not written: {Size} bytes is over the limit of {Limit} bytes (a browser or proxy would drop it).")]
    public static partial void CookieTooLarge(ILogger logger, string cookieName, int size, int limit);

    [LoggerMessage(EventId = 9, EventName = "ShortSecret", Level = LogLevel.Warning,
        Message = "Cookie session secret #{Index} is only {Length} bytes long; use at least {Recommended} random bytes.")]
    public static partial void ShortSecret(ILogger logger, int index, int length, int recommended);

    [LoggerMessage(EventId = 10, EventName = "ResigningWithCurrentSecret", Level = LogLevel.Debug,
        Message = "Session cookie {CookieName} is written again though unchanged: {Reason}.")]
    public static partial void Renewing(ILogger logger, string cookieName, string reason);

    [LoggerMessage(EventId = 11, EventName = "SignedCookieRejected", Level = LogLevel.Debug,
        Message = "Signed cookie {CookieName} rejected ({Reason}).")]
    public static partial void SignedCookieRejected(ILogger logger, string cookieName, SessionCookieRejection reason);

    [LoggerMessage(EventId = 12, EventName = "NoTrackingConsent", Level = LogLevel.Debug,
        Message = "The cookie policy will withhold the session cookie {CookieName}: the user has not consented to non-essential cookies and Cookie.IsEssential is false.")]
    public static partial void NoTrackingConsent(ILogger logger, string cookieName);

    [LoggerMessage(EventId = 13, EventName = "SameSiteNoneWithoutSecure", Level = LogLevel.Warning,
        Message = "The cookie {CookieName} has SameSite=None without Secure: browsers refuse it. Use SecurePolicy Always (and HTTPS) with SameSite None.")]
    public static partial void SameSiteNoneWithoutSecure(ILogger logger, string cookieName);

    [LoggerMessage(EventId = 14, EventName = "SecretSharedWithSignedCookies", Level = LogLevel.Warning,
        Message = "The session cookie and AddSignedCookies share a secret: a signed JSON cookie (AppendJsonCookie) whose content a user controls can be replayed as a session. Give CookieSessionOptions a secret of its own.")]
    public static partial void SecretSharedWithSignedCookies(ILogger logger);

    [LoggerMessage(EventId = 15, EventName = "NotSecuredFirstTime", Level = LogLevel.Warning,
        Message = "Session cookie {CookieName} must be Secure (SecurePolicy Always) and a request came over plain HTTP: no session cookie is written on such requests, so sessions never stick. Behind a TLS-terminating proxy, call app.UseForwardedHeaders() before UseCookieSession() (or set CookieSessionOptions.TrustProxy). Said once; each such request logs NotSecured at Debug.")]
    public static partial void NotSecuredFirstTime(ILogger logger, string cookieName);

    [LoggerMessage(EventId = 16, EventName = "AspNetSessionAlsoRegistered", Level = LogLevel.Warning,
        Message = "ASP.NET Core's server-side session (AddSession()) is registered beside the cookie session (AddCookieSession): wherever UseSession() runs, HttpContext.Session is the server-side session, not the cookie's. Remove AddSession() and UseSession() unless part of the application uses them on purpose.")]
    public static partial void AspNetSessionAlsoRegistered(ILogger logger);

    [LoggerMessage(EventId = 17, EventName = "KeyRingUnreadable", Level = LogLevel.Error,
        Message = "The Data Protection key ring could not be read from its key store ({KeyStore}). Until it can be: a request bringing a Protected session cookie finds its session unavailable (answered 503 unless the application handles CookieSessionUnavailableException) and its cookie is left as it is; no new Protected session can be written. The key store is read again every few seconds; pages that do not use the session are not affected.")]
    public static partial void KeyRingUnreadable(ILogger logger, string keyStore, Exception exception);

    [LoggerMessage(EventId = 18, EventName = "KeyRingStale", Level = LogLevel.Warning,
        Message = "The Data Protection key store ({KeyStore}) does not answer: sessions under the keys already read are served from the cached key ring, but a key created or revoked since is not seen, and a cookie under a key this server has not read finds its session unavailable. The key store is read again every few seconds.")]
    public static partial void KeyRingStale(ILogger logger, string keyStore, Exception exception);

    [LoggerMessage(EventId = 19, EventName = "KeyRingReadAgain", Level = LogLevel.Information,
        Message = "The Data Protection key ring was read again from its key store ({KeyStore}) after {Duration} without it.")]
    public static partial void KeyRingReadAgain(ILogger logger, string keyStore, TimeSpan duration);

    [LoggerMessage(EventId = 20, EventName = "SessionUnavailable", Level = LogLevel.Warning,
        Message = "Session cookie {CookieName} could not be opened: the Data Protection key ring cannot be read now. The session is unavailable and the cookie is left as it is.")]
    public static partial void SessionUnavailable(ILogger logger, string cookieName);

    [LoggerMessage(EventId = 21, EventName = "SessionUnavailableAnswered", Level = LogLevel.Debug,
        Message = "The application used the unavailable session of cookie {CookieName} without handling CookieSessionUnavailableException: answered 503 Service Unavailable.")]
    public static partial void SessionUnavailableAnswered(ILogger logger, string cookieName);

    [LoggerMessage(EventId = 22, EventName = "SessionNotSealed", Level = LogLevel.Warning,
        Message = "Session cookie {CookieName} not written: the Data Protection key ring cannot be read now, so the session could not be sealed as the response started. The response is answered 503 with the application's body; the request's changes to the session are lost, and the cookie it brought is left as it is.")]
    public static partial void SessionNotSealed(ILogger logger, string cookieName);

    [LoggerMessage(EventId = 23, EventName = "SecretsReloaded", Level = LogLevel.Information,
        Message = "Cookie session secrets reloaded: {Count} in force. The first signs from the next request; a value signed with a secret no longer listed is refused.")]
    public static partial void SecretsReloaded(ILogger logger, int count);

    [LoggerMessage(EventId = 24, EventName = "IronPasswordsReloaded", Level = LogLevel.Information,
        Message = "iron-session passwords reloaded: ids {Ids} in force. Id {SealingId} seals from the next request; a seal under an id no longer listed is refused.")]
    public static partial void IronPasswordsReloaded(ILogger logger, string ids, int sealingId);

    [LoggerMessage(EventId = 25, EventName = "SecretsReloadRefused", Level = LogLevel.Error,
        Message = "Reloaded cookie session options refused; the secrets in force stay until a valid reload. {Failures}")]
    public static partial void SecretsReloadRefused(ILogger logger, string failures);

    [LoggerMessage(EventId = 26, EventName = "StoreKeysRefused", Level = LogLevel.Warning,
        Message = "Keys read from the Data Protection key store ({KeyStore}) cannot be used directly here (a probe of the application's protector did not open through them). A key created on another server is usable here only once Data Protection reloads its key ring, and a default key revoked elsewhere is sealed with until then.")]
    public static partial void StoreKeysRefused(ILogger logger, string keyStore);
}
