namespace CookieSession.Cookies;

/// <summary>How a cookie's value travels.</summary>
internal enum CookieValueEncoding
{
    /// <summary>
    /// Percent-encoded as <c>Response.Cookies</c> writes every value (<see cref="Uri.EscapeDataString(string)"/>,
    /// which Node's <c>decodeURIComponent</c> reads back): Connect's format and cookie-parser's.
    /// </summary>
    Percent,

    /// <summary>
    /// As it is: the value is already made of cookie octets (base64 or base64url), and the peer signs or reads it
    /// without decoding (Express's <c>cookie-session</c>, the encrypted formats).
    /// </summary>
    Raw,
}
