using System.Text;
using CookieSession.Cookies;
using CookieSession.Formats.Transports;
using CookieSession.Json;
using CookieSession.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CookieSession.Formats;

/// <summary>
/// A format at work: its codec, carried by its transport, behind the one cache of verified values. A value the cache
/// knows (keyed by what travels, under the codec's or the transport's generation) skips the transport's signature and the codec's
/// decoding; the codec then only rechecks what time changes.
/// </summary>
internal sealed class WireFormat : IWireFormat
{
    /// <summary>The bytes of a value encoded on the stack before it rents: a cookie's worth.</summary>
    private const int ValueOnStack = CookieSessionDefaults.MaxCookieSize;

    private readonly ICookieTransport _transport;
    private readonly ISessionCodec _codec;
    private readonly VerifiedCookieCache? _cache;

    public WireFormat(FormatDescriptor descriptor, ICookieTransport transport, ISessionCodec codec, VerifiedCookieCache? cache)
    {
        // The cache keeps one generation an entry: the codec's, or else the transport's (see CacheGeneration).
        if (transport.Generation is not null && codec.CanCache(out var codecGeneration) && codecGeneration is not null)
        {
            throw new InvalidOperationException($"{codec.GetType().Name} and {transport.GetType().Name} both have a generation; the cache keeps one.");
        }

        Descriptor = descriptor;
        _transport = transport;
        _codec = codec;
        _cache = cache;
    }

    /// <summary>The facts of the format the options chose.</summary>
    public FormatDescriptor Descriptor { get; }

    /// <summary>Builds the format the options ask for, with its keys and cache, from its descriptor.</summary>
    /// <exception cref="InvalidOperationException">The options name no known format.</exception>
    public static WireFormat Create(CookieSessionOptions options, SecretsReload secrets, TimeProvider time, ILogger logger, IServiceProvider services)
    {
        var descriptor = FormatDescriptors.Of(options.Format)
            ?? throw new InvalidOperationException($"Unknown {nameof(CookieSessionOptions)}.{nameof(CookieSessionOptions.Format)}: {options.Format}.");
        var context = new FormatContext(options, options.Cookie.Name!, secrets, time, logger, services);
        return new WireFormat(descriptor, descriptor.CreateTransport(context), descriptor.CreateCodec(context), VerifiedCookieCache.Create(options.VerifiedCookieCacheSize));
    }

    public SessionCookieReadResult Read(HttpRequest request)
    {
        using var carried = _transport.Read(request.Headers.Cookie);
        if (!carried.Found)
        {
            return SessionCookieReadResult.Missing;
        }

        if (carried.Rejection != SessionCookieRejection.None)
        {
            return SessionCookieReadResult.Rejected(carried.Rejection);
        }

        var value = carried.Value;
        var signature = carried.Signature;
        var cache = CacheFor(out var generation);
        var hash = 0;
        if (cache is not null)
        {
            // Taken once: a miss that verifies adds the value under the same hash.
            hash = VerifiedCookieCache.Hash(value, signature);
            if (cache.TryGet(hash, value, signature, generation, out var cached))
            {
                return _codec.Recheck(value, cached);
            }
        }

        var rejection = _transport.Verify(value, signature, out var olderKey);
        if (rejection != SessionCookieRejection.None)
        {
            return SessionCookieReadResult.Rejected(rejection);
        }

        var result = _codec.Decode(value);
        if (olderKey && result.IsLoaded && !result.NeedsRenewal)
        {
            result = result.WithRenewal(true);
        }

        if (cache is not null && result.IsLoaded)
        {
            cache.Add(hash, value, signature, result, generation);
        }

        return result;
    }

    public VerifiedCookieCache.Entry? Write(HttpResponse response, ReadOnlySpan<byte> json, SessionTimes times, CookieOptions options, VerifiedCookieCache.Entry? replacing = null)
    {
        if (_codec.LimitsLifetime)
        {
            options = Limit(options, times);
        }

        var cache = CacheFor(out var generation);
        // Most values are encoded on the stack; a larger one moves to a rented array.
        var value = new PooledByteBuffer(stackalloc byte[ValueOnStack]);
        try
        {
            _codec.Encode(json, times, ref value);
            var written = _transport.Write(response, value.WrittenSpan, options);
            if (written.Withheld)
            {
                // The browser keeps the cookie it has: nothing it will send to keep, nothing it stops sending to drop.
                return null;
            }

            // The value as one cookie's header carries it (a piece of that header), or, chunked, as the request will put
            // it together again, a string built only if the cache could keep it: one too large for an entry is neither
            // stored nor the value an entry holds.
            var chunked = written.Value.IsEmpty;
            var fits = VerifiedCookieCache.Fits((chunked ? value.WrittenSpan.Length : written.Value.Length) + written.Signature.Length, json.Length);
            DateTimeOffset? expires = null;
            var cachesWritten = fits && cache is not null && _codec.CachesWritten(json, times, out expires);
            if (!cachesWritten && (replacing is null || !fits))
            {
                // The value the request brought, first read by this request, is replaced (unless there is none).
                _cache?.Forget(replacing, default, default);
                return null;
            }

            var carried = chunked ? Encoding.ASCII.GetString(value.WrittenSpan).AsMemory() : written.Value;
            var stored = cachesWritten ? cache!.AddWritten(carried, written.Signature, json, _codec.CarriedTimes(times), expires, generation) : null;

            // The value the request brought, first read by this request, is replaced: its browser sends the new one.
            _cache?.Forget(replacing, carried.Span, written.Signature.Span);
            return stored;
        }
        finally
        {
            value.Dispose();
        }
    }

    public void Delete(HttpResponse response, CookieOptions options, VerifiedCookieCache.Entry? replacing = null)
    {
        _transport.Delete(response, options);
        _cache?.Forget(replacing, default, default);
    }

    public void TakeBack(VerifiedCookieCache.Entry? written) => _cache?.TakeBack(written);

    /// <summary>
    /// The options with the lifetime the codec limits them to: the options themselves when it is theirs, else a copy,
    /// as the options given may be shared by every request (shared options keep their own copy for a limit the same
    /// on every write, see <see cref="FixedCookieOptions.WithLifetime"/>).
    /// </summary>
    private CookieOptions Limit(CookieOptions options, SessionTimes times)
    {
        var given = CookieLifetime.Of(options);
        var lifetime = _codec.LimitLifetime(given, times);
        if (options is FixedCookieOptions shared)
        {
            return shared.WithLifetime(lifetime);
        }

        return lifetime == given ? options : new CookieOptions(options) { MaxAge = lifetime.MaxAge, Expires = lifetime.Expires };
    }

    /// <summary>
    /// The cache, if the codec lets its values be cached, and the generation they are kept under: the codec's, or, for
    /// a codec with none, the transport's (the secrets of a signature the transport checks). Read before verifying or
    /// writing, so that what is verified or signed afterwards uses this generation or a newer one.
    /// </summary>
    private VerifiedCookieCache? CacheFor(out object? generation)
    {
        generation = null;
        if (_cache is null || !_codec.CanCache(out generation))
        {
            return null;
        }

        generation ??= _transport.Generation;
        return _cache;
    }
}
