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
    private readonly ICookieTransport _transport;
    private readonly ISessionCodec _codec;
    private readonly VerifiedCookieCache? _cache;
    private readonly bool _carriesTimes;

    /// <summary>
    /// The options a codec that limits cookies made of the shared options of every request, with their attribute text
    /// formatted once: one for <c>Secure</c> options and one for others, as a site served over both has both.
    /// </summary>
    private readonly LimitScratch?[] _limited = new LimitScratch?[2];

    /// <summary>This thread's copy of shared options for the codec to limit, so that finding the limit unchanged copies nothing.</summary>
    [ThreadStatic]
    private static LimitScratch? t_scratch;

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
        _carriesTimes = descriptor.CarriesTimes;
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

    public void Write(HttpResponse response, ReadOnlySpan<byte> json, SessionTimes times, CookieOptions options)
    {
        if (_codec.LimitsCookie)
        {
            options = Limit(options, times);
        }

        var cache = CacheFor(out var generation);
        var value = new PooledByteBuffer((json.Length * 3 / 2) + 256);
        try
        {
            _codec.Encode(json, times, ref value);
            var written = _transport.Write(response, value.WrittenSpan, options);
            if (cache is not null && _codec.CachesWritten(json, times, out var expires))
            {
                // The value as one cookie's header carries it, or, chunked, as the request will put it together again.
                var carried = written.Value.IsEmpty ? Encoding.ASCII.GetString(value.WrittenSpan).AsMemory() : written.Value;
                cache.AddWritten(carried, written.Signature, json, _carriesTimes ? times : null, expires, generation);
            }
        }
        finally
        {
            value.Dispose();
        }
    }

    public void Delete(HttpResponse response, CookieOptions options) => _transport.Delete(response, options);

    /// <summary>
    /// The options as the codec limits them, in a copy: the options given may be shared by every request. Shared
    /// options that the codec limits the same way on every write (a lifetime of its own, not counted from the session's
    /// times) are limited once, into shared options whose attribute text is formatted once.
    /// </summary>
    private CookieOptions Limit(CookieOptions options, SessionTimes times)
    {
        if (options is not FixedCookieOptions shared)
        {
            var copy = new CookieOptions(options);
            _codec.LimitCookie(copy, times);
            return copy;
        }

        // The codec limits a copy kept by this thread, which differs from the shared options only in what a limit sets.
        var scratch = t_scratch;
        if (scratch is null || !ReferenceEquals(scratch.Source, shared))
        {
            t_scratch = scratch = new LimitScratch(shared, new CookieOptions(shared));
        }

        var limiting = scratch.Options;
        limiting.MaxAge = shared.MaxAge;
        limiting.Expires = shared.Expires;
        _codec.LimitCookie(limiting, times);

        ref var slot = ref _limited[shared.Secure ? 1 : 0];
        var limited = Volatile.Read(ref slot);
        if (limited is not null && ReferenceEquals(limited.Source, shared) && SameAttributes(limited.Options, limiting))
        {
            return limited.Options;
        }

        if (!SameAttributes(shared, limiting, ignoringLifetime: true))
        {
            // Not only a lifetime: this copy is the codec's now, and the next write limits a fresh one.
            t_scratch = null;
            return limiting;
        }

        if (limited is null || !ReferenceEquals(limited.Source, shared))
        {
            // The first limit of these shared options is kept; a limit that changes from write to write (counted from
            // the session's times) is not, and such writes go on with a copy each, as they would without this.
            var kept = new FixedCookieOptions(limiting);
            Volatile.Write(ref slot, new LimitScratch(shared, kept));
            return kept;
        }

        return new CookieOptions(limiting);
    }

    private static bool SameAttributes(CookieOptions a, CookieOptions b, bool ignoringLifetime = false)
        => (ignoringLifetime || (a.MaxAge == b.MaxAge && a.Expires == b.Expires))
            && a.Path == b.Path && a.Domain == b.Domain && a.Secure == b.Secure && a.SameSite == b.SameSite
            && a.HttpOnly == b.HttpOnly && a.IsEssential == b.IsEssential && a.Extensions.Count == b.Extensions.Count;

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

    /// <summary>Options made from shared options (<see cref="Source"/>).</summary>
    private sealed record LimitScratch(FixedCookieOptions Source, CookieOptions Options);
}
