using CookieSession.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace CookieSession.Formats.Transports;

/// <summary>
/// The value in one cookie, <c>name=value</c>, encoded as the peer that shares it writes it: percent-encoded as Node's
/// <c>cookie</c> package does (Connect), or raw.
/// </summary>
internal sealed class SingleCookie : ICookieTransport
{
    private readonly string _name;
    private readonly CookieValueEncoding _encoding;
    private readonly ILogger _logger;

    public SingleCookie(string name, CookieValueEncoding encoding, ILogger logger)
    {
        _name = name;
        _encoding = encoding;
        _logger = logger;
    }

    public CarriedValue Read(StringValues cookies)
        => CookieHeaderReader.TryGetValue(cookies, _name, out var value) ? CarriedValue.Of(value) : CarriedValue.Missing;

    public SessionCookieRejection Verify(ReadOnlySpan<char> value, ReadOnlySpan<char> signature, out bool olderKey)
    {
        olderKey = false;
        return SessionCookieRejection.None;
    }

    public CarriedText Write(HttpResponse response, ReadOnlySpan<byte> value, CookieOptions options)
    {
        var written = SetCookieWriter.Append(response, _name, value, _encoding, options, _logger, out var withheld);
        return withheld ? CarriedText.WithheldCookie : new(written, default);
    }

    public void Delete(HttpResponse response, CookieOptions options) => SetCookieWriter.Delete(response, _name, options, _encoding);
}
