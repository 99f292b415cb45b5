namespace CookieSession.Formats;

/// <summary>Why a session cookie was not loaded. Logged by name; never with the cookie's value.</summary>
internal enum SessionCookieRejection
{
    None = 0,

    /// <summary>The value carries no signature (Connect before 2.30.2 loaded such values: we do not).</summary>
    Unsigned,

    /// <summary>The signature does not match under any configured secret.</summary>
    BadSignature,

    /// <summary>Percent-escapes or base64 that do not decode, a character outside the format's alphabet, compressed data that does not inflate, or bytes that are not UTF-8.</summary>
    MalformedEncoding,

    /// <summary>Signed, but not JSON, or JSON that is not an object, or nested too deep.</summary>
    NotJsonObject,

    /// <summary>Larger than any cookie a browser sends, or compressed data that inflates past its bound.</summary>
    TooLarge,

    /// <summary>Its chunks do not fit together: a count out of range, or a chunk missing, extra or empty.</summary>
    MalformedChunks,

    /// <summary>Data Protection could not unprotect it: tampered, another purpose (cookie name or application), or a key not in the ring.</summary>
    Undecryptable,

    /// <summary>Protected with a key that has since been revoked.</summary>
    RevokedKey,

    /// <summary>Unprotected, but written by a version of the format this one does not know.</summary>
    UnknownVersion,

    /// <summary>Issued later than now (beyond 5 minutes of clock skew), or created after it was issued.</summary>
    NotYetValid,

    /// <summary>Past its expiration: an iron seal's (and iron's 60 seconds of skew), or a Flask signature older than <c>PermanentSessionLifetime</c>.</summary>
    Expired,

    /// <summary>An iron seal naming a password id that is not configured.</summary>
    UnknownPassword,

    /// <summary>More than <c>IdleTimeout</c> passed since the cookie was issued.</summary>
    IdleExpired,

    /// <summary>More than <c>AbsoluteTimeout</c> passed since the session was created.</summary>
    AbsoluteExpired,

    /// <summary>Reading it failed in a way no other reason names (the error's type is logged, never its message).</summary>
    Malformed,

    /// <summary>
    /// Not a rejection: the cookie may be good, but the Data Protection key ring cannot be read now. The session is
    /// unavailable and its cookie left as it is.
    /// </summary>
    KeyRingUnavailable,
}
