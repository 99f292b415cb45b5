using System.Buffers;
using System.Globalization;
using System.Text;
using CookieSession.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace CookieSession.Formats.Transports;

/// <summary>
/// A raw cookie value split over several cookies in the wire format of ASP.NET Core's <c>ChunkingCookieManager</c>
/// (what cookie authentication writes): <c>name=chunks-N</c>, then <c>nameC1</c> ... <c>nameCN</c>; a value that fits
/// in one cookie is written as <c>name=value</c>.
/// </summary>
/// <remarks>
/// The framework's <c>ChunkingCookieManager</c> is not used: it takes the count in a request at its word (up to
/// <see cref="int.MaxValue"/> lookups), leaves stale chunks behind when a value shrinks, and does not check the total.
/// Here the count never exceeds <see cref="MaxChunks"/>, a missing or empty chunk refuses the cookie, chunks left over
/// from a longer value are deleted with the same path and domain, and the total is capped.
/// </remarks>
internal sealed class ChunkedCookie : ICookieTransport
{
    /// <summary>The prefix of the count cookie's value. Part of ASP.NET's wire format: never change it.</summary>
    public const string CountPrefix = "chunks-";

    /// <summary>The most chunks read or written: 16, twice what <see cref="CookieSessionDefaults.MaxChunkedSize"/> needs.</summary>
    public const int MaxChunks = 16;

    private readonly string _name;
    private readonly string[] _chunkNames;
    private readonly string _chunkPrefix;
    private readonly int _maxTotal;
    private readonly ILogger _logger;

    public ChunkedCookie(string name, int maxTotal, ILogger logger)
    {
        _name = name;
        _maxTotal = maxTotal;
        _logger = logger;

        // Part of ASP.NET's wire format: name + "C" + index from 1. Never change it.
        _chunkPrefix = name + "C";
        _chunkNames = Enumerable.Range(1, MaxChunks).Select(i => name + "C" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>The value: one cookie's as the request header carries it, or its chunks joined (into a rented array).</summary>
    public CarriedValue Read(StringValues cookies)
    {
        if (!CookieHeaderReader.TryGetValue(cookies, _name, out var first))
        {
            return CarriedValue.Missing;
        }

        if (!first.StartsWith(CountPrefix, StringComparison.Ordinal))
        {
            return first.Length > CookieSessionDefaults.MaxCookieSize
                ? CarriedValue.Rejected(SessionCookieRejection.TooLarge)
                : CarriedValue.Of(first);
        }

        var digits = first[CountPrefix.Length..];
        if (digits.Length is 0 or > 2 || digits.ContainsAnyExceptInRange('0', '9')
            || int.Parse(digits, CultureInfo.InvariantCulture) is var count && count is < 1 or > MaxChunks)
        {
            return CarriedValue.Rejected(SessionCookieRejection.MalformedChunks);
        }

        // A chunk beyond the count is ignored, as ASP.NET does: two tabs that wrote a longer and a shorter session can
        // leave one behind, and the next write deletes it.
        var total = 0;
        for (var i = 0; i < count; i++)
        {
            if (!CookieHeaderReader.TryGetValue(cookies, _chunkNames[i], out var chunk) || chunk.IsEmpty)
            {
                return CarriedValue.Rejected(SessionCookieRejection.MalformedChunks);
            }

            total += chunk.Length;
            if (total > _maxTotal)
            {
                return CarriedValue.Rejected(SessionCookieRejection.TooLarge);
            }
        }

        var rented = ArrayPool<char>.Shared.Rent(total);
        var length = 0;
        for (var i = 0; i < count; i++)
        {
            CookieHeaderReader.TryGetValue(cookies, _chunkNames[i], out var chunk);
            chunk.CopyTo(rented.AsSpan(length));
            length += chunk.Length;
        }

        return CarriedValue.Of(rented.AsSpan(0, length), rented: rented);
    }

    public SessionCookieRejection Verify(ReadOnlySpan<char> value, ReadOnlySpan<char> signature, out bool olderKey)
    {
        olderKey = false;
        return SessionCookieRejection.None;
    }

    /// <summary>
    /// Writes the value (cookie octets) as one cookie, or as chunks when it does not fit, and deletes the chunks of the
    /// request that the new value does not use. Returns the value as the one cookie's header carries it (unreserved
    /// characters travel as they are), or nothing when chunked or withheld.
    /// </summary>
    /// <exception cref="CookieSessionTooLargeException">Over <see cref="CookieSessionOptions.MaxChunkedSize"/>.</exception>
    public CarriedText Write(HttpResponse response, ReadOnlySpan<byte> value, CookieOptions options)
    {
        var context = response.HttpContext;
        if (SetCookieWriter.IsWithheld(context, options))
        {
            // The cookie policy withholds the cookie for lack of consent: deleting chunks alone would break the session.
            return CarriedText.WithheldCookie;
        }

        // The values are unreserved characters, which percent-encoding leaves as they are: they go through
        // Response.Cookies, so that a cookie policy shapes them as it does every cookie.
        var written = 0;
        ReadOnlyMemory<char> whole = default;
        if (value.Length <= SetCookieWriter.MaxUnreservedValueLength(context, _name, options))
        {
            whole = SetCookieWriter.Append(response, _name, value, CookieValueEncoding.Percent, options, _logger);
        }
        else
        {
            var perChunk = SetCookieWriter.MaxUnreservedValueLength(context, _chunkNames[^1], options);
            if (perChunk <= 0)
            {
                // The attributes alone fill a cookie: no chunk can carry anything.
                throw new CookieSessionTooLargeException(_name, _name.Length + 1 + value.Length, 0);
            }

            var count = (value.Length + perChunk - 1) / perChunk;
            var countValue = CountPrefix + count.ToString(CultureInfo.InvariantCulture);

            // As the browser sends them back: "name=chunks-N; nameC1=...; nameC2=...". Past MaxChunks, each further
            // chunk is counted with the longest chunk name.
            var total = _name.Length + 1 + countValue.Length;
            for (var i = 0; i < count; i++)
            {
                total += 2 + _chunkNames[Math.Min(i, MaxChunks - 1)].Length + 1 + Math.Min(perChunk, value.Length - (i * perChunk));
            }

            if (count > MaxChunks || total > _maxTotal)
            {
                // The limit is what the options allow, or what sixteen chunks carry, whichever is less.
                var limit = count > MaxChunks ? Math.Min(_maxTotal, total - (value.Length - (MaxChunks * perChunk)) - 1) : _maxTotal;
                throw new CookieSessionTooLargeException(_name, total, limit);
            }

            SetCookieWriter.Append(response, _name, Encoding.ASCII.GetBytes(countValue), CookieValueEncoding.Percent, options, _logger);
            for (var i = 0; i < count; i++)
            {
                var chunk = value.Slice(i * perChunk, Math.Min(perChunk, value.Length - (i * perChunk)));
                SetCookieWriter.Append(response, _chunkNames[i], chunk, CookieValueEncoding.Percent, options, _logger);
            }

            written = count;
        }

        DeleteChunksOfRequest(response, options, from: written);
        return new(whole, default);
    }

    /// <summary>Deletes the cookie and every chunk the request brought.</summary>
    public void Delete(HttpResponse response, CookieOptions options)
    {
        SetCookieWriter.Delete(response, _name, options, CookieValueEncoding.Percent);
        DeleteChunksOfRequest(response, options, from: 0);
    }

    private void DeleteChunksOfRequest(HttpResponse response, CookieOptions options, int from)
    {
        var headers = response.HttpContext.Request.Headers.Cookie;
        var mayHaveChunks = false;
        foreach (var header in headers)
        {
            mayHaveChunks |= header is not null && header.Contains(_chunkPrefix, StringComparison.Ordinal);
        }

        if (!mayHaveChunks)
        {
            return;
        }

        for (var i = from; i < MaxChunks; i++)
        {
            if (CookieHeaderReader.TryGetValue(headers, _chunkNames[i], out _))
            {
                SetCookieWriter.Delete(response, _chunkNames[i], options, CookieValueEncoding.Percent);
            }
        }
    }
}
