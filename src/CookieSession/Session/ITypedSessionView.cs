namespace CookieSession.Session;

/// <summary>A typed view of a request's session, whose value changes in place and is written into the session by the commit.</summary>
internal interface ITypedSessionView
{
    /// <summary>Whether the value's JSON differs from what was last read or flushed.</summary>
    bool HasChanges();

    /// <summary>Writes each top-level property whose JSON changed into the session.</summary>
    void Flush();

    /// <summary>The session was cleared (<c>ClearCookieSession</c>): what the value changes from now on goes into the new, empty one.</summary>
    void SessionCleared();
}
