namespace CookieSession.Session;

/// <summary>What else is true of a request's session besides its <see cref="SessionStage"/>: one value, set in one place each.</summary>
[Flags]
internal enum SessionFlags : byte
{
    None = 0,

    /// <summary>The application used the session: the response depends on the cookie.</summary>
    Used = 1,

    /// <summary>The commit is registered with <c>Response.OnStarting</c>.</summary>
    CommitScheduled = 2,

    /// <summary>The request left the middleware: the application can no longer reach the session.</summary>
    RequestEnded = 4,

    /// <summary><c>OnValidateSession</c> asked for a new cookie.</summary>
    RenewRequested = 8,

    /// <summary>The session was cleared: the request's cookie is deleted unless something is stored again.</summary>
    DeleteCookie = 16,

    /// <summary><c>OnValidateSession</c> is running: what it reads is not a use by the application.</summary>
    Validating = 32,
}
