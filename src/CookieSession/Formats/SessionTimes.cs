namespace CookieSession.Formats;

/// <summary>
/// When a session was created and when its current cookie was issued. Formats that enforce lifetimes on the
/// server carry both inside the cookie; the signed Node formats carry neither and ignore them.
/// </summary>
/// <param name="CreatedAt">When the session started: kept through renewals and changes, new after a clear.</param>
/// <param name="IssuedAt">When this cookie was written.</param>
internal readonly record struct SessionTimes(DateTimeOffset CreatedAt, DateTimeOffset IssuedAt);
