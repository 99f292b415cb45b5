using System.Buffers;
using System.Buffers.Text;
using System.Text.Unicode;
using CookieSession.Formats.Transports;
using CookieSession.Json;

namespace CookieSession.Formats.Express;

/// <summary>
/// Express's <c>cookie-session</c> value (version 2): the session's JSON in base64. Its keygrip signature travels in a
/// cookie of its own and is verified by the transport (<see cref="SignedCookiePair"/>) before this codec sees the
/// value. It carries no times.
/// </summary>
internal sealed class ExpressCodec : ISessionCodec
{
    public SessionCookieReadResult Decode(ReadOnlySpan<char> value)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, (value.Length / 4 * 3) + 3));
        if (!Convert.TryFromBase64Chars(value, rented, out var written) || !Utf8.IsValid(rented.AsSpan(0, written)))
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding, rented);
        }

        return SessionCookieReadResult.Verified(rented, 0, written, needsRenewal: false);
    }

    public void Encode(ReadOnlySpan<byte> json, SessionTimes times, ref PooledByteBuffer value)
    {
        var span = value.GetSpan(Base64.GetMaxEncodedToUtf8Length(json.Length));
        Base64.EncodeToUtf8(json, span, out _, out var written);
        value.Advance(written);
    }

    /// <summary>A verified value stays valid until the secrets change, which builds a new codec and cache.</summary>
    public bool CanCache(out object? generation)
    {
        generation = null;
        return true;
    }
}
