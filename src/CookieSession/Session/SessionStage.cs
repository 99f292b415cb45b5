namespace CookieSession.Session;

/// <summary>Where a request's session stands; it only moves forward, except that changing a cleared session reopens it.</summary>
internal enum SessionStage : byte
{
    /// <summary>The application may read and change the session (read from the cookie on first use).</summary>
    Open,

    /// <summary>The application cleared the session (<c>ClearCookieSession</c>): its cookie is deleted unless it is changed again.</summary>
    Cleared,

    /// <summary>The response started and the outcome was decided: the session can be read, not changed.</summary>
    Committed,
}
