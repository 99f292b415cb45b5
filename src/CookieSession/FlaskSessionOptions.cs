namespace CookieSession;

/// <summary>
/// Options of the <see cref="CookieSessionFormat.Flask"/> format that Flask configures beside its secret key
/// (<see cref="CookieSessionOptions.Secret"/> is Flask's <c>SECRET_KEY</c>; <see cref="CookieSessionOptions.Secrets"/>,
/// newest first, are <c>SECRET_KEY</c> followed by <c>SECRET_KEY_FALLBACKS</c>).
/// </summary>
public sealed class FlaskSessionOptions
{
    /// <summary>
    /// Flask's <c>PERMANENT_SESSION_LIFETIME</c>: a session cookie signed longer ago than this (in whole seconds) is
    /// refused, as Flask refuses it whether or not the session is permanent, and a permanent session's cookie
    /// (<c>_permanent</c> true in the session) expires this long after it is written. Must be positive.
    /// Default: <see cref="CookieSessionDefaults.FlaskPermanentSessionLifetime"/> (31 days, Flask's).
    /// </summary>
    public TimeSpan PermanentSessionLifetime { get; set; } = CookieSessionDefaults.FlaskPermanentSessionLifetime;
}
