using CookieSession.Json;
using CookieSession.Signing;

namespace CookieSession.Formats.Connect;

/// <summary>
/// Connect's <c>cookieSession</c> value: <c>"s:" + "j:" + JSON + "." + HMAC-SHA256</c>, read percent-encoded as it
/// travels. Byte-compatible with connect@2.x and with Express's signed JSON cookies. It carries no times.
/// </summary>
internal sealed class ConnectCodec : ISessionCodec
{
    private readonly HmacSigner _signer;

    public ConnectCodec(HmacSigner signer) => _signer = signer;

    /// <summary>The longest value decoded on the stack; a longer one in pooled scratch.</summary>
    private const int MaxDecodedOnStack = 2048;

    public SessionCookieReadResult Decode(ReadOnlySpan<char> value)
    {
        if (value.Length <= MaxDecodedOnStack)
        {
            // Decoded on the stack and the JSON copied out once verified: no pooled scratch to rent, clear and give back.
            // Not cleared, where the pooled way clears: a stack buffer is never handed to other code as a pooled array
            // is, and every stack buffer in this library is written before it is read, so no later read sees these bytes.
            Span<byte> decoded = stackalloc byte[MaxDecodedOnStack];
            var refused = SignedCookieValue.TryUnsign(value, _signer, decoded, out var start, out var count, out var index);
            if (refused == SessionCookieRejection.None)
            {
                var signed = decoded.Slice(start, count);
                return signed.StartsWith(SignedCookieValue.JsonPrefix)
                    ? SessionCookieReadResult.VerifiedOwned(signed[SignedCookieValue.JsonPrefix.Length..].ToArray(), needsRenewal: index != 0)
                    : SessionCookieReadResult.Rejected(SessionCookieRejection.NotJsonObject);
            }

            // A value in ASCII decodes to no more bytes than it has characters; one beyond ASCII may need more than the
            // stack holds, which the pooled way below tells apart from a malformed value.
            if (refused != SessionCookieRejection.MalformedEncoding || System.Text.Ascii.IsValid(value))
            {
                return SessionCookieReadResult.Rejected(refused);
            }
        }

        var rejection = SignedCookieValue.TryUnsign(value, _signer, out var rented, out var offset, out var length, out var keyIndex);
        if (rejection != SessionCookieRejection.None)
        {
            return SessionCookieReadResult.Rejected(rejection);
        }

        if (!rented.AsSpan(offset, length).StartsWith(SignedCookieValue.JsonPrefix))
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.NotJsonObject, rented);
        }

        var prefix = SignedCookieValue.JsonPrefix.Length;
        // What follows the JSON in the scratch is its signature, which travelled in the open.
        return SessionCookieReadResult.Verified(rented!, offset + prefix, length - prefix, needsRenewal: keyIndex != 0, used: offset + length);
    }

    public void Encode(ReadOnlySpan<byte> json, SessionTimes times, ref PooledByteBuffer value)
        => SignedCookieValue.Sign(SignedCookieValue.JsonPrefix, json, _signer, ref value);

    /// <summary>A verified value stays valid while the secrets that verified it are in force; a reload replaces them.</summary>
    public bool CanCache(out object? generation)
    {
        generation = _signer.Generation;
        return true;
    }
}
