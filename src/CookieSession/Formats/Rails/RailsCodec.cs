using System.Buffers;
using System.Text;
using CookieSession.Cookies;
using CookieSession.Json;
using CookieSession.Options;

namespace CookieSession.Formats.Rails;

/// <summary>
/// Rails' <c>ActionDispatch::Session::CookieStore</c> (Rails 5.2 to 8 with <c>cookies_serializer = :json</c>): the
/// session's JSON, in Rails' metadata envelope with the purpose <c>cookie.&lt;name&gt;</c> and its expiry
/// (<see cref="RailsMetadataEnvelope"/>), encrypted with AES-256-GCM under a key derived from <c>secret_key_base</c>
/// (<see cref="RailsKeyDerivation"/>, <see cref="RailsEncryptedMessage"/>). Sessions that Rails serialized with
/// Marshal or MessagePack are refused, never deserialized. A session written without Rails' <c>session_id</c> gets
/// one (<see cref="RailsSessionId"/>). Its values are cached with the <c>exp</c> found inside the encryption
/// (<see cref="SessionCookieReadResult.Expires"/>), which every hit checks again.
/// </summary>
internal sealed class RailsCodec : ISessionCodec
{
    /// <summary>Ruby's <c>Marshal.dump</c> signature, format version 4.8.</summary>
    private static ReadOnlySpan<byte> MarshalSignature => [0x04, 0x08];

    /// <summary><c>ActiveSupport::MessagePack</c>'s signature (128 as MessagePack).</summary>
    private static ReadOnlySpan<byte> MessagePackSignature => [0xCC, 0x80];

    /// <summary>The longest value read: a cookie of <see cref="CookieSessionDefaults.MaxCookieSize"/> bytes with every byte percent-escaped.</summary>
    private const int MaxValueLength = 3 * CookieSessionDefaults.MaxCookieSize;

    private readonly SecretKeyRing<RailsKeyDerivation> _keys;
    private readonly byte[] _purpose;
    private readonly TimeSpan? _expireAfter;
    private readonly bool _useMessageSerializerForMetadata;
    private readonly TimeProvider _time;

    /// <param name="keys">The keys of the secrets in force, the writing one first.</param>
    /// <param name="cookieName">The cookie's name, which Rails seals as the purpose <c>cookie.&lt;name&gt;</c>.</param>
    /// <param name="expireAfter">Rails' <c>expire_after</c>: a written cookie's <c>exp</c> is its issue time plus this; none when <see langword="null"/>.</param>
    /// <param name="useMessageSerializerForMetadata">Write Rails 7.1's <c>{"_rails":{"data":...}}</c> envelope rather than the cookie jars' own.</param>
    /// <param name="time">The clock that <c>exp</c> is checked against.</param>
    public RailsCodec(SecretKeyRing<RailsKeyDerivation> keys, string cookieName, TimeSpan? expireAfter, bool useMessageSerializerForMetadata, TimeProvider time)
    {
        _keys = keys;
        _purpose = Encoding.UTF8.GetBytes(RailsMetadataEnvelope.PurposePrefix + cookieName);
        _expireAfter = expireAfter;
        _useMessageSerializerForMetadata = useMessageSerializerForMetadata;
        _time = time;
    }

    public SessionCookieReadResult Decode(ReadOnlySpan<char> value)
    {
        if (value.Length > MaxValueLength)
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.TooLarge);
        }

        // Rack escapes the value's base64 (%2B, %2F, %3D); a value already unescaped decodes to itself.
        var message = ArrayPool<byte>.Shared.Rent(Math.Max(1, UriComponent.MaxDecodedLength(value.Length)));
        byte[]? plaintext = null;
        try
        {
            if (!UriComponent.TryDecode(value, message, out var messageLength))
            {
                return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding);
            }

            var rejection = RailsEncryptedMessage.TryDecrypt(message.AsSpan(0, messageLength), _keys.Current, out plaintext, out var plaintextLength, out var keyIndex);
            if (rejection != SessionCookieRejection.None)
            {
                return SessionCookieReadResult.Rejected(rejection);
            }

            rejection = RailsMetadataEnvelope.TryUnwrap(plaintext!, plaintextLength, _purpose, _time.GetUtcNow(), out var payload, out var offset, out var length, out var expires);
            plaintext = payload;
            if (rejection != SessionCookieRejection.None)
            {
                return SessionCookieReadResult.Rejected(rejection);
            }

            var session = payload.AsSpan(offset, length);
            if (session.StartsWith(MarshalSignature) || session.StartsWith(MessagePackSignature))
            {
                return SessionCookieReadResult.Rejected(SessionCookieRejection.UnsupportedSerializer);
            }

            // Verified owns the scratch from here and gives it back to the pool.
            plaintext = null;
            return SessionCookieReadResult.Verified(payload, offset, length, needsRenewal: keyIndex > 0, expires: expires);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(message);
            if (plaintext is not null)
            {
                ArrayPool<byte>.Shared.Return(plaintext, clearArray: true);
            }
        }
    }

    /// <summary>
    /// A value stays valid until its <c>exp</c>, which <see cref="Recheck"/> checks on every hit, and while the keys that
    /// opened or sealed it are in force: a reload replaces them.
    /// </summary>
    public bool CanCache(out object? generation)
    {
        generation = _keys.Current;
        return true;
    }

    /// <summary>A cached value is refused from its <c>exp</c> on, as Rails refuses it.</summary>
    public SessionCookieReadResult Recheck(ReadOnlySpan<char> value, SessionCookieReadResult cached)
        => cached.Expires is { } expires && _time.GetUtcNow() >= expires ? SessionCookieReadResult.Rejected(SessionCookieRejection.Expired) : cached;

    /// <summary>
    /// A written value reads back as its JSON unless a <c>session_id</c> was added to it; its <c>exp</c> as written, to the
    /// millisecond.
    /// </summary>
    public bool CachesWritten(ReadOnlySpan<byte> json, SessionTimes times, out DateTimeOffset? expires)
    {
        expires = Expiry(times);
        if (expires is { } expiry)
        {
            expires = expiry.AddTicks(-(expiry.UtcTicks % TimeSpan.TicksPerMillisecond));
        }

        return RailsSessionId.HasSessionId(json);
    }

    public void Encode(ReadOnlySpan<byte> json, SessionTimes times, ref PooledByteBuffer value)
    {
        var expires = Expiry(times);
        var session = default(PooledByteBuffer);
        var envelope = new PooledByteBuffer(RailsMetadataEnvelope.MaxWrappedLength(json.Length + RailsSessionId.MaxAddedLength, _purpose.Length));
        try
        {
            // Every session but a new one already has its id: it goes into the envelope as it is, not copied first.
            var withId = json;
            if (!RailsSessionId.HasSessionId(json))
            {
                session = new PooledByteBuffer(json.Length + RailsSessionId.MaxAddedLength);
                RailsSessionId.WriteWithSessionId(json, ref session);
                withId = session.WrittenSpan;
            }

            RailsMetadataEnvelope.Wrap(withId, _purpose, expires, _useMessageSerializerForMetadata, ref envelope);
            RailsEncryptedMessage.Encrypt(envelope.WrittenSpan, _keys.Current, ref value);
        }
        finally
        {
            envelope.Dispose();
            session.Dispose();
        }
    }

    /// <summary>The <c>exp</c> of a cookie issued at <paramref name="times"/>: Rails' <c>expire_after</c> later, or none.</summary>
    private DateTimeOffset? Expiry(SessionTimes times) => _expireAfter is { } expireAfter ? times.IssuedAt + expireAfter : null;
}
