using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Cookies;
using CookieSession.Json;
using CookieSession.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CookieSession;

/// <summary>
/// Signed and JSON cookies in the format of Express's <c>cookie-parser</c>: a signed value is
/// <c>s:value.signature</c> (HMAC-SHA256, as Connect's session), a JSON value is <c>j:</c> followed by JSON.
/// Signing needs <see cref="CookieSessionServiceCollectionExtensions.AddSignedCookies"/>.
/// </summary>
public static class SignedCookieHttpExtensions
{
    /// <summary>
    /// Reads a signed cookie (<c>req.signedCookies[name]</c>). Returns <see langword="null"/> when it is
    /// absent, unsigned or its signature does not match any configured secret.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="name">The cookie name.</param>
    public static string? GetSignedCookie(this HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(name);
        return Signer(request.HttpContext).Get(request, name);
    }

    /// <summary>
    /// Reads a JSON cookie (<c>j:</c> prefix), signed unless <paramref name="signed"/> is <see langword="false"/>.
    /// Returns <see langword="null"/> when it is absent, not JSON, or (when signed) not validly signed.
    /// Unsigned JSON cookies come from the client as they are: never trust their contents.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="name">The cookie name.</param>
    /// <param name="signed">Whether the cookie must carry a valid signature. Default: <see langword="true"/>.</param>
    public static JsonNode? GetJsonCookie(this HttpRequest request, string name, bool signed = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(name);
        var value = signed ? Signer(request.HttpContext).Get(request, name) : SignedCookies.GetUnsigned(request, name);
        return SignedCookies.ParseJson(value);
    }

    /// <summary>
    /// Appends a signed cookie (<c>res.cookie(name, value, { signed: true })</c>), signed with the first secret.
    /// </summary>
    /// <remarks>
    /// A value starting with <c>j:</c> is refused: cookie-parser would read it back as JSON rather than as that
    /// string, and signed with the session's secret it would be a valid session cookie. Store JSON with
    /// <see cref="AppendJsonCookie"/>.
    /// </remarks>
    /// <param name="response">The response.</param>
    /// <param name="name">The cookie name.</param>
    /// <param name="value">The value.</param>
    /// <param name="options">Cookie attributes; default: path <c>/</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> starts with <c>j:</c>, or an attribute of <paramref name="options"/> could split the header.</exception>
    /// <exception cref="CookieSessionTooLargeException">The cookie would exceed 4096 bytes.</exception>
    public static void AppendSignedCookie(this HttpResponse response, string name, string value, CookieOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (value.StartsWith("j:", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                "A signed cookie value cannot start with 'j:': cookie-parser reads such a value as JSON, and with the session's secret it would be a session cookie. Use AppendJsonCookie for JSON.",
                nameof(value));
        }
        Signer(response.HttpContext).AppendSigned(response, name, default, Encoding.UTF8.GetBytes(value), options ?? new CookieOptions());
    }

    /// <summary>
    /// Appends a JSON cookie (<c>res.cookie(name, object)</c>): <c>j:</c> and the JSON as
    /// <c>JSON.stringify</c> writes it, signed unless <paramref name="signed"/> is <see langword="false"/>.
    /// </summary>
    /// <remarks>
    /// A signed JSON object cookie has the very format of a Connect session cookie. When the session is signed with
    /// the same secret (no secret of its own, or the same one; a warning is logged at start-up), a user can copy
    /// this cookie's value into the session cookie: never sign JSON whose content a user chooses with the session's secret.
    /// </remarks>
    /// <param name="response">The response.</param>
    /// <param name="name">The cookie name.</param>
    /// <param name="value">The JSON value.</param>
    /// <param name="options">Cookie attributes; default: path <c>/</c>.</param>
    /// <param name="signed">Whether to sign it. Default: <see langword="true"/>.</param>
    /// <exception cref="CookieSessionTooLargeException">The cookie would exceed 4096 bytes.</exception>
    public static void AppendJsonCookie(this HttpResponse response, string name, JsonNode? value, CookieOptions? options = null, bool signed = true)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(name);
        var json = new PooledByteBuffer(256);
        try
        {
            JsJsonWriter.WriteNode(value, ref json, CookieSessionDefaults.MaxDepth);
            if (signed)
            {
                Signer(response.HttpContext).AppendSigned(response, name, SignedCookieValue.JsonPrefix, json.WrittenSpan, options ?? new CookieOptions());
            }
            else
            {
                var whole = new PooledByteBuffer(json.Length + 2);
                try
                {
                    whole.Write(SignedCookieValue.JsonPrefix);
                    whole.Write(json.WrittenSpan);
                    SetCookieWriter.Append(response, name, whole.WrittenSpan, CookieValueEncoding.Percent, options ?? new CookieOptions(),
                        response.HttpContext.RequestServices.GetService<ILogger<SignedCookies>>() ?? (ILogger)NullLogger.Instance);
                }
                finally
                {
                    whole.Dispose();
                }
            }
        }
        finally
        {
            json.Dispose();
        }
    }

    private static SignedCookies Signer(HttpContext context)
        => context.RequestServices.GetService<SignedCookies>()
            ?? throw new InvalidOperationException(
                "Signed cookies need a secret: call services.AddSignedCookies(o => o.Secret = ...) at start-up.");
}
