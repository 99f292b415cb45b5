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

    public SessionCookieReadResult Decode(ReadOnlySpan<char> value)
    {
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
