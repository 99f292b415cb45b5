using System.Buffers;
using System.Buffers.Text;
using System.Text;
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
    /// <summary>The longest value narrowed to ASCII on the stack; a longer one in pooled scratch.</summary>
    private const int MaxNarrowedOnStack = 2048;

    public SessionCookieReadResult Decode(ReadOnlySpan<char> value)
    {
        // Strict base64 says how long its bytes are before decoding: the JSON goes straight into an array of its own, from
        // the value narrowed on the stack, with no scratch to rent, copy out of and clear. Anything else (whitespace, pad
        // bits that are not zero) and longer values go the way below.
        if (value.Length <= MaxNarrowedOnStack && StrictDecodedLength(value) is var length and >= 0)
        {
            // Not cleared: a stack buffer is never handed to other code as a pooled array is, and every stack buffer in
            // this library is written before it is read, so no later read sees the value narrowed here.
            Span<byte> narrowed = stackalloc byte[MaxNarrowedOnStack];
            if (Ascii.FromUtf16(value, narrowed, out _) != OperationStatus.Done)
            {
                return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding);
            }

            var json = new byte[length];
            if (Base64.DecodeFromUtf8(narrowed[..value.Length], json, out _, out var decodedLength) == OperationStatus.Done && decodedLength == length)
            {
                return Utf8.IsValid(json)
                    ? SessionCookieReadResult.VerifiedOwned(json, needsRenewal: false)
                    : SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding);
            }
        }

        // Narrowed to ASCII bytes first, then decoded from bytes: both steps vectorized, where decoding from characters is
        // not. The scratch holds the narrowed value, then the JSON.
        var decodedStart = value.Length;
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, decodedStart + Base64.GetMaxDecodedFromUtf8Length(value.Length) + 3));
        if (Ascii.FromUtf16(value, rented, out _) != OperationStatus.Done)
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding, rented);
        }

        var decoded = rented.AsSpan(decodedStart);
        if (Base64.DecodeFromUtf8(rented.AsSpan(0, decodedStart), decoded, out _, out var written) != OperationStatus.Done)
        {
            // The strict decoder refuses what Node's Buffer.from reads (whitespace, pad bits that are not zero): a signed
            // value is read as leniently as before, only off the fast path.
            var partial = written;
            if (!Convert.TryFromBase64Chars(value, decoded, out written))
            {
                return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding, rented);
            }

            if (!Utf8.IsValid(decoded[..written]))
            {
                return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding, rented);
            }

            return SessionCookieReadResult.Verified(rented, decodedStart, written, needsRenewal: false, used: decodedStart + Math.Max(partial, written));
        }

        if (!Utf8.IsValid(decoded[..written]))
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding, rented);
        }

        return SessionCookieReadResult.Verified(rented, decodedStart, written, needsRenewal: false, used: decodedStart + written);
    }

    /// <summary>
    /// How many bytes <paramref name="value"/> decodes to if it is padded base64 whole (as Node's <c>Buffer</c> writes it);
    /// -1 when its length says it is not.
    /// </summary>
    private static int StrictDecodedLength(ReadOnlySpan<char> value)
    {
        if (value.Length % 4 != 0)
        {
            return -1;
        }

        var padding = value.EndsWith("==") ? 2 : value.EndsWith('=') ? 1 : 0;
        return (value.Length / 4 * 3) - padding;
    }

    public void Encode(ReadOnlySpan<byte> json, SessionTimes times, ref PooledByteBuffer value)
    {
        var span = value.GetSpan(Base64.GetMaxEncodedToUtf8Length(json.Length));
        Base64.EncodeToUtf8(json, span, out _, out var written);
        value.Advance(written);
    }

    /// <summary>
    /// A verified value stays valid while the secrets that verified its signature are in force: the transport's
    /// generation (<see cref="Transports.SignedCookiePair.Generation"/>), as the codec itself has no keys.
    /// </summary>
    public bool CanCache(out object? generation)
    {
        generation = null;
        return true;
    }
}
