namespace CookieSession.Formats;

/// <summary>Why a session cookie was not loaded. Logged by name; never with the cookie's value.</summary>
internal enum SessionCookieRejection
{
    None = 0,

    /// <summary>The value carries no signature (Connect before 2.30.2 loaded such values: we do not).</summary>
    Unsigned,

    /// <summary>The signature does not match under any configured secret.</summary>
    BadSignature,

    /// <summary>Percent-escapes or base64 that do not decode, or bytes that are not UTF-8.</summary>
    MalformedEncoding,

    /// <summary>Signed, but not JSON, or JSON that is not an object, or nested too deep.</summary>
    NotJsonObject,

    /// <summary>Larger than any cookie a browser sends.</summary>
    TooLarge,

    /// <summary>Reading it failed in a way no other reason names (the error's type is logged, never its message).</summary>
    Malformed,
}
