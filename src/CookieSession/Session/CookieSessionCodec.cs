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

    /// <summary>What a token's cookie name adds to the session's: under Protected, a token never opens as a session.</summary>
    private const string TokenNameSuffix = ".token";

    private readonly Lazy<ResolvedOptions> _settings;
    private readonly Lazy<ResolvedOptions> _tokens;

    public CookieSessionCodec(IOptions<CookieSessionOptions> options, ILoggerFactory loggerFactory, TimeProvider timeProvider, IServiceProvider services)
    {
        var logger = loggerFactory.CreateLogger<CookieSessionCodec>();
        _settings = new(() =>
        {
            var value = options.Value;
            return ResolvedOptions.Create(value, logger, value.TimeProvider ?? timeProvider, services, metrics: null);
        });
        _tokens = new(() =>
        {
            var value = ForTokens(options.Value);
            return ResolvedOptions.Create(value, logger, value.TimeProvider ?? timeProvider, services, metrics: null);
        });
    }

    public string CreateCookieHeader(JsonObject session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return CreateCookieHeader(session, _settings.Value);
    }

    private static string CreateCookieHeader(JsonObject session, ResolvedOptions settings)
    {
        var response = new DefaultHttpContext().Response;
        var buffer = new PooledByteBuffer(256);
        try
        {
            JsJsonWriter.WriteObject(session, ref buffer, CookieSessionDefaults.MaxDepth);
            var now = settings.TimeProvider.GetUtcNow();
            settings.Format.Write(
                response,
                buffer.WrittenSpan,
                new SessionTimes(now, now),
                RequestSession.BuildCookieOptions(settings, settings.DefaultCookie, tls: true, forDelete: false, now),
                replacing: null);
        }
        finally
        {
            buffer.Dispose();
        }

        return CookieHeaderOf(response.Headers.SetCookie!, settings.TimeProvider.GetUtcNow()) ?? string.Empty;
    }

    public JsonObject? ReadCookieHeader(string cookieHeader)
    {
        ArgumentNullException.ThrowIfNull(cookieHeader);
        return ReadCookieHeader(cookieHeader, _settings.Value);
    }

    private static JsonObject? ReadCookieHeader(string cookieHeader, ResolvedOptions settings)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers.Cookie = cookieHeader;
        SessionCookieReadResult result;
        try
        {
            result = settings.Format.Read(request);
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
        var header = CookieHeaderOf(setCookieHeaders, _settings.Value.TimeProvider.GetUtcNow());
        return header is null ? null : ReadCookieHeader(header);
    }

    public string CreateToken(JsonObject data, string purpose, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var tokens = _tokens.Value;
        var expires = tokens.TimeProvider.GetUtcNow() + lifetime;
        var wrapped = new JsonObject
        {
            [PurposeProperty] = purpose,
            [ExpiresProperty] = expires.ToUnixTimeMilliseconds(),
            [DataProperty] = data.DeepClone(),
        };

        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(CreateCookieHeader(wrapped, tokens)));
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

        var tokens = _tokens.Value;
        var wrapped = ReadCookieHeader(header, tokens);
        if (wrapped is null
            || wrapped[PurposeProperty] is not JsonValue madeFor || !madeFor.TryGetValue(out string? madeForText) || madeForText != purpose
            || wrapped[ExpiresProperty] is not JsonValue expiresValue || !expiresValue.TryGetValue(out long expires)
            || tokens.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() >= expires
            || wrapped[DataProperty] is not JsonObject data)
        {
            return null;
        }

        return (JsonObject)data.DeepClone();
    }

    /// <summary>
    /// The session's options for tokens: the same format and keys, a cookie name of their own, and no session lifetime
    /// (a token expires by its own time, which it carries).
    /// </summary>
    private static CookieSessionOptions ForTokens(CookieSessionOptions session)
    {
        var tokens = new CookieSessionOptions
        {
            Format = session.Format,
            Secret = session.Secret,
            Secrets = session.Secrets,
            KeygripAlgorithm = session.KeygripAlgorithm,
            IronSessionPasswords = session.IronSessionPasswords,
            IronSessionTtl = TimeSpan.Zero,
            IdleTimeout = Timeout.InfiniteTimeSpan,
            AbsoluteTimeout = null,
            MaxChunkedSize = session.MaxChunkedSize,
            SerializerOptions = session.SerializerOptions,
            TimeProvider = session.TimeProvider,
            VerifiedCookieCacheSize = 0,
        };
        tokens.Cookie.Name = session.Cookie.Name + TokenNameSuffix;
        return tokens;
    }

    /// <summary>The <c>Cookie</c> header a browser sends after these <c>Set-Cookie</c> headers at <paramref name="now"/>: deleted and expired cookies left out.</summary>
    private static string? CookieHeaderOf(IEnumerable<string?> setCookieHeaders, DateTimeOffset now)
    {
        var pairs = new List<string>();
        foreach (var header in setCookieHeaders)
        {
            if (header is null || !SetCookieHeaderValue.TryParse(header, out var cookie))
            {
                continue;
            }

            var deleted = cookie.Value.Length == 0
                || (cookie.Expires is { } expires && expires <= now)
                || cookie.MaxAge is { } maxAge && maxAge <= TimeSpan.Zero;
            if (!deleted)
            {
                pairs.Add($"{cookie.Name}={cookie.Value}");
            }
        }

        return pairs.Count == 0 ? null : string.Join("; ", pairs);
    }
}
