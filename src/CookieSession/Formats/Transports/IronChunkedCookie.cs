using System.Buffers;
using System.Globalization;
using CookieSession.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace CookieSession.Formats.Transports;

/// <summary>
/// iron-session 9's cookie: the whole value in <c>name</c>, or, when its <c>Set-Cookie</c> would pass 4096 bytes,
/// split in order over <c>name.0</c> ... <c>name.3</c> (no count cookie; each chunk as long as a <c>Set-Cookie</c> of
/// 4096 bytes allows). Reading takes <c>name</c> when it is not empty, else the chunks up to the first missing one.
/// Cookies of the other shape that the request brought are deleted with the same path and domain.
/// </summary>
/// <remarks>
/// The values are iron's seals (<c>A-Z a-z 0-9 - _ * ~ .</c>), which iron-session writes without percent-encoding:
/// so are they written here (<see cref="CookieValueEncoding.Raw"/>), and a cookie policy sees only their consent.
/// </remarks>
internal sealed class IronChunkedCookie : ICookieTransport
{
    /// <summary>iron-session's limit: at most four chunks.</summary>
    public const int MaxChunks = 4;

    private readonly string _name;
    private readonly string[] _chunkNames;
    private readonly ILogger _logger;

    public IronChunkedCookie(string name, ILogger logger)
    {
        _name = name;
        _logger = logger;

        // Part of iron-session's wire format: name + "." + index from 0. Never change it.
        _chunkNames = Enumerable.Range(0, MaxChunks).Select(i => name + "." + i.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>The value, joined from its chunks (into a rented array) when it is chunked.</summary>
    public CarriedValue Read(StringValues cookies)
    {
        if (CookieHeaderReader.TryGetValue(cookies, _name, out var whole) && !whole.IsEmpty)
        {
            return whole.Length <= 2 * CookieSessionDefaults.MaxCookieSize ? CarriedValue.Of(whole) : CarriedValue.Rejected(SessionCookieRejection.TooLarge);
        }

        char[]? rented = null;
        var length = 0;
        foreach (var chunkName in _chunkNames)
        {
            if (!CookieHeaderReader.TryGetValue(cookies, chunkName, out var chunk) || chunk.IsEmpty)
            {
                break;
            }

            if (chunk.Length > 2 * CookieSessionDefaults.MaxCookieSize)
            {
                if (rented is not null)
                {
                    ArrayPool<char>.Shared.Return(rented);
                }

                return CarriedValue.Rejected(SessionCookieRejection.TooLarge);
            }

            if (rented is null || rented.Length - length < chunk.Length)
            {
                var larger = ArrayPool<char>.Shared.Rent(Math.Max(2 * CookieSessionDefaults.MaxCookieSize, length + chunk.Length));
                if (rented is not null)
                {
                    rented.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<char>.Shared.Return(rented);
                }

                rented = larger;
            }

            chunk.CopyTo(rented.AsSpan(length));
            length += chunk.Length;
        }

        if (rented is not null)
        {
            return CarriedValue.Of(rented.AsSpan(0, length), rented: rented);
        }

        // An empty cookie and no chunk: present, yet carrying nothing iron-session would read.
        return IsPresent(cookies) ? CarriedValue.Rejected(SessionCookieRejection.TooLarge) : CarriedValue.Missing;
    }

    /// <summary>Whether the request brought the cookie, whole or in chunks.</summary>
    private bool IsPresent(StringValues headers)
        => CookieHeaderReader.TryGetValue(headers, _name, out _) || CookieHeaderReader.TryGetValue(headers, _chunkNames[0], out _);

    public SessionCookieRejection Verify(ReadOnlySpan<char> value, ReadOnlySpan<char> signature, out bool olderKey)
    {
        olderKey = false;
        return SessionCookieRejection.None;
    }

    /// <summary>
    /// Writes the value (ASCII) as one cookie or in chunks; returns the value as the one cookie's header carries it,
    /// or nothing when chunked or withheld.
    /// </summary>
    /// <exception cref="CookieSessionTooLargeException">More than four chunks would be needed.</exception>
    public CarriedText Write(HttpResponse response, ReadOnlySpan<byte> bytes, CookieOptions options)
    {
        var context = response.HttpContext;
        if (SetCookieWriter.IsWithheld(context, options))
        {
            return CarriedText.WithheldCookie;
        }

        var headers = context.Request.Headers.Cookie;
        if (bytes.Length <= SetCookieWriter.MaxRawValueLength(_name, options))
        {
            var written = SetCookieWriter.Append(response, _name, bytes, CookieValueEncoding.Raw, options, _logger);
            DeleteChunks(response, headers, options, from: 0);
            return new(written, default);
        }

        var perChunk = SetCookieWriter.MaxRawValueLength(_chunkNames[0], options);
        var count = perChunk <= 0 ? MaxChunks + 1 : (bytes.Length + perChunk - 1) / perChunk;
        if (count > MaxChunks)
        {
            throw new CookieSessionTooLargeException(_name, _name.Length + 1 + bytes.Length, MaxChunks * perChunk);
        }

        for (var i = 0; i < count; i++)
        {
            var chunk = bytes.Slice(i * perChunk, Math.Min(perChunk, bytes.Length - (i * perChunk)));
            SetCookieWriter.Append(response, _chunkNames[i], chunk, CookieValueEncoding.Raw, options, _logger);
        }

        if (CookieHeaderReader.TryGetValue(headers, _name, out _))
        {
            SetCookieWriter.Delete(response, _name, options, CookieValueEncoding.Raw);
        }

        DeleteChunks(response, headers, options, from: count);
        return default;
    }

    /// <summary>Deletes the cookie and every chunk the request brought.</summary>
    public void Delete(HttpResponse response, CookieOptions options)
    {
        SetCookieWriter.Delete(response, _name, options, CookieValueEncoding.Raw);
        DeleteChunks(response, response.HttpContext.Request.Headers.Cookie, options, from: 0);
    }

    private void DeleteChunks(HttpResponse response, StringValues headers, CookieOptions options, int from)
    {
        for (var i = from; i < MaxChunks; i++)
        {
            if (CookieHeaderReader.TryGetValue(headers, _chunkNames[i], out _))
            {
                SetCookieWriter.Delete(response, _chunkNames[i], options, CookieValueEncoding.Raw);
            }
        }
    }
}
