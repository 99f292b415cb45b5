using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Formats;
using CookieSession.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CookieSession.Session;

/// <summary>
/// The format of the application's options, run against a request and a response made for the purpose: what a
/// request would read and a response would write, with the same keys, checks and lifetimes.
/// </summary>
internal sealed class CookieSessionCodec : ICookieSessionCodec
{
    /// <summary>The properties of a token's JSON. Stored in tokens: never change them.</summary>
    private const string PurposeProperty = "$purpose";
    private const string ExpiresProperty = "$expires";
    private const string DataProperty = "data";

    private readonly Lazy<ResolvedOptions> _settings;

    public CookieSessionCodec(IOptions<CookieSessionOptions> options, ILoggerFactory loggerFactory, TimeProvider timeProvider, IServiceProvider services)
        => _settings = new(() =>
        {
            var value = options.Value;
            return ResolvedOptions.Create(value, loggerFactory.CreateLogger<CookieSessionCodec>(), value.TimeProvider ?? timeProvider, services, metrics: null);
        });

    public string CreateCookieHeader(JsonObject session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var settings = _settings.Value;
        var response = new DefaultHttpContext().Response;
        var buffer = new PooledByteBuffer(256);
        try
        {
            JsJsonWriter.WriteObject(session, ref buffer, CookieSessionDefaults.MaxDepth);
            var now = settings.TimeProvider.GetUtcNow();
            var cookie = settings.DefaultCookie;
            settings.Format.Write(response, buffer.WrittenSpan, null, new SessionTimes(now, now), new CookieOptions
            {
                Path = cookie.Path,
                Domain = cookie.Domain,
                HttpOnly = cookie.HttpOnly,
                SameSite = cookie.SameSite,
                Secure = cookie.SecurePolicy != CookieSecurePolicy.None,
                MaxAge = cookie.MaxAge,
                Expires = cookie.MaxAge is { } maxAge ? now + maxAge : cookie.Expires,
                IsEssential = true,
            });
        }
        finally
        {
            buffer.Dispose();
        }

        return CookieHeaderOf(response.Headers.SetCookie!) ?? string.Empty;
    }

    public JsonObject? ReadCookieHeader(string cookieHeader)
    {
        ArgumentNullException.ThrowIfNull(cookieHeader);
        var request = new DefaultHttpContext().Request;
        request.Headers.Cookie = cookieHeader;
        SessionCookieReadResult result;
        try
        {
            result = _settings.Value.Format.Read(request);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // What a request would read as a malformed cookie.
            return null;
        }

        return result.IsLoaded ? RawJsonObject.ToTree(result.Json) : null;
    }

    public JsonObject? ReadSetCookieHeaders(IEnumerable<string> setCookieHeaders)
    {
        ArgumentNullException.ThrowIfNull(setCookieHeaders);
        var header = CookieHeaderOf(setCookieHeaders);
        return header is null ? null : ReadCookieHeader(header);
    }

    public string CreateToken(JsonObject data, string purpose, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var expires = _settings.Value.TimeProvider.GetUtcNow() + lifetime;
        var wrapped = new JsonObject
        {
            [PurposeProperty] = purpose,
            [ExpiresProperty] = expires.ToUnixTimeMilliseconds(),
            [DataProperty] = data.DeepClone(),
        };

        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(CreateCookieHeader(wrapped)));
    }

    public JsonObject? ReadToken(string token, string purpose)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(purpose);
        string header;
        try
        {
            header = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            return null;
        }

        var wrapped = ReadCookieHeader(header);
        if (wrapped is null
            || wrapped[PurposeProperty] is not JsonValue madeFor || !madeFor.TryGetValue(out string? madeForText) || madeForText != purpose
            || wrapped[ExpiresProperty] is not JsonValue expiresValue || !expiresValue.TryGetValue(out long expires)
            || _settings.Value.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() >= expires
            || wrapped[DataProperty] is not JsonObject data)
        {
            return null;
        }

        return (JsonObject)data.DeepClone();
    }

    /// <summary>The <c>Cookie</c> header a browser sends after these <c>Set-Cookie</c> headers: deleted cookies left out.</summary>
    private static string? CookieHeaderOf(IEnumerable<string?> setCookieHeaders)
    {
        var pairs = new List<string>();
        foreach (var header in setCookieHeaders)
        {
            if (header is null || !SetCookieHeaderValue.TryParse(header, out var cookie))
            {
                continue;
            }

            var deleted = cookie.Value.Length == 0
                || (cookie.Expires is { } expires && expires <= DateTimeOffset.UtcNow)
                || cookie.MaxAge is { } maxAge && maxAge <= TimeSpan.Zero;
            if (!deleted)
            {
                pairs.Add($"{cookie.Name}={cookie.Value}");
            }
        }

        return pairs.Count == 0 ? null : string.Join("; ", pairs);
    }
}
