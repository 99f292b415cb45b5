namespace CookieSession.Session;

/// <summary>Where a request's session stands; it only moves forward.</summary>
internal enum SessionStage : byte
{
    /// <summary>The application may read and change the session (read from the cookie on first use).</summary>
    Open,

    /// <summary>The response started and the outcome was decided: the session can be read, not changed.</summary>
    Committed,

    /// <summary>The application failed (an exception left the pipeline): nothing it changed is saved.</summary>
    Abandoned,
}
