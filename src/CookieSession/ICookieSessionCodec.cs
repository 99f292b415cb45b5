using System.Text.Json.Nodes;

namespace CookieSession;

/// <summary>
/// Makes and reads session cookies outside a request, under the application's own options and format: for
/// integration tests (start a client signed in, read what a response set) and for one-off signed or sealed tokens
/// with an expiry (magic links, email confirmations), as iron-session's <c>sealData</c> and <c>unsealData</c>.
/// </summary>
/// <remarks>
/// Take it from the application's services (<c>app.Services</c>, <c>WebApplicationFactory.Services</c>) after
/// <see cref="CookieSessionServiceCollectionExtensions.AddCookieSession(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{CookieSessionOptions}?)"/>.
/// What it reads passes the same checks a request's cookie does: a value that does not verify, or is past its
/// lifetime, reads as <see langword="null"/>.
/// </remarks>
public interface ICookieSessionCodec
{
    /// <summary>
    /// The <c>Cookie</c> request header a browser would send holding <paramref name="session"/>: one
    /// <c>name=value</c> pair, or several where the format splits or signs in more than one cookie.
    /// </summary>
    /// <param name="session">The session's JSON object.</param>
    /// <exception cref="CookieSessionTooLargeException">The session does not fit the format's cookies.</exception>
    string CreateCookieHeader(JsonObject session);

    /// <summary>The session a <c>Cookie</c> request header holds; <see langword="null"/> when it holds none, or one that does not verify.</summary>
    /// <param name="cookieHeader">The header's value, for example <c>connect.sess=s%3A...</c>.</param>
    JsonObject? ReadCookieHeader(string cookieHeader);

    /// <summary>
    /// The session a response's <c>Set-Cookie</c> headers hold; <see langword="null"/> when they set none, deleted it, or
    /// hold one that does not verify.
    /// </summary>
    /// <param name="setCookieHeaders">The response's <c>Set-Cookie</c> header values.</param>
    JsonObject? ReadSetCookieHeaders(IEnumerable<string> setCookieHeaders);

    /// <summary>
    /// Seals <paramref name="data"/> into a URL-safe token, valid for <paramref name="lifetime"/> and for
    /// <paramref name="purpose"/> only: signed, or encrypted too, as the format protects the session, under a cookie name
    /// of its own (the session's with <c>.token</c> added) and no session lifetime: it expires by its own. Sent as a
    /// session cookie it does not open where the format binds a value to its cookie's name (Protected,
    /// ExpressCookieSession); elsewhere it opens as a session holding the token's envelope (<c>$purpose</c>,
    /// <c>$expires</c>, <c>data</c>), never <paramref name="data"/>'s keys.
    /// </summary>
    /// <param name="data">What the token carries.</param>
    /// <param name="purpose">What the token is for (for example <c>"email-confirmation"</c>): a token opens only for the same purpose.</param>
    /// <param name="lifetime">How long the token opens.</param>
    string CreateToken(JsonObject data, string purpose, TimeSpan lifetime);

    /// <summary>What a token carries; <see langword="null"/> when it does not verify, was made for another purpose, or expired.</summary>
    /// <param name="token">The token.</param>
    /// <param name="purpose">The purpose it was made for.</param>
    JsonObject? ReadToken(string token, string purpose);
}
