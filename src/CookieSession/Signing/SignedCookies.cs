using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CookieSession.Cookies;
using CookieSession.Formats;
using CookieSession.Json;
using CookieSession.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CookieSession.Signing;

/// <summary>
/// Signed (<c>s:</c>) and JSON (<c>j:</c>) cookies as Express's <c>cookie-parser</c> and
/// <c>res.cookie(name, value, { signed: true })</c> read and write them.
/// </summary>
internal sealed class SignedCookies
{
    private readonly HmacSigner _signer;
    private readonly ILogger _logger;

    public SignedCookies(IOptions<SignedCookieOptions> options, ILogger<SignedCookies> logger)
    {
        var value = options.Value;
        _signer = HmacSigner.ForCookieSignature(CookieSessionSecrets.Of(value.Secret, value.Secrets));
        _logger = logger;
    }

    public string? Get(HttpRequest request, string name)
    {
        if (!CookieHeaderReader.TryGetValue(request.Headers.Cookie, name, out var raw))
        {
            return null;
        }

        var rejection = SignedCookieValue.TryUnsign(raw, _signer, out var rented, out var offset, out var length, out _);
        if (rejection != SessionCookieRejection.None)
        {
            Log.SignedCookieRejected(_logger, name, rejection);
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(rented.AsSpan(offset, length));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented!);
        }
    }

    public static string? GetUnsigned(HttpRequest request, string name)
    {
        if (!CookieHeaderReader.TryGetValue(request.Headers.Cookie, name, out var raw))
        {
            return null;
        }

        var bytes = new byte[UriComponent.MaxDecodedLength(raw.Length)];
        return UriComponent.TryDecode(raw, bytes, out var written) ? Encoding.UTF8.GetString(bytes, 0, written) : raw.ToString();
    }

    public static JsonNode? ParseJson(string? value)
    {
        if (value is null || !value.StartsWith("j:", StringComparison.Ordinal))
        {
            return null;
        }

        // JsonNode.Parse would hand out nodes that throw on the lone surrogates JSON.stringify writes.
        return JsJsonParser.TryParse(Encoding.UTF8.GetBytes(value, 2, value.Length - 2), out var node) ? node : null;
    }

    public void AppendSigned(HttpResponse response, string name, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> value, CookieOptions options)
    {
        var buffer = new PooledByteBuffer(value.Length + 64);
        try
        {
            SignedCookieValue.Sign(prefix, value, _signer, ref buffer);
            SetCookieWriter.Append(response, name, buffer.WrittenSpan, CookieValueEncoding.Percent, options, _logger);
        }
        finally
        {
            buffer.Dispose();
        }
    }
}
