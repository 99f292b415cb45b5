namespace CookieSession.Session;

/// <summary>What the commit did with the session cookie when the response started: decided once, logged once.</summary>
internal enum SessionOutcome : byte
{
    /// <summary>The application never used the session: nothing can have changed.</summary>
    Unused,

    /// <summary>A new session left empty: no cookie until something is stored (unless <c>SaveUninitialized</c>).</summary>
    Empty,

    /// <summary>The session and its cookie settings are as the request brought them: no <c>Set-Cookie</c>.</summary>
    Unchanged,

    /// <summary>The cookie must be <c>Secure</c> and the request did not come over TLS: nothing is sent.</summary>
    NotSecured,

    /// <summary>The session, or its cookie settings, changed: the cookie is written.</summary>
    Written,

    /// <summary>Unchanged, but written again: <c>Rolling</c>, an older secret or key sealed it, its lifetime asks for a new cookie, or the validation hook did.</summary>
    Renewed,

    /// <summary>The session was cleared: its cookie is deleted.</summary>
    Deleted,

    /// <summary>The cookie could not be opened because the key ring cannot be read: it is left as it is.</summary>
    Unavailable,
}
