using System.Buffers;

namespace CookieSession.Formats;

/// <summary>
/// What a format found in the request: nothing, a rejected cookie, or the verified JSON of the session
/// (in a buffer rented from <see cref="ArrayPool{T}.Shared"/>, which the reader returns).
/// </summary>
internal readonly struct SessionCookieReadResult
{
    private SessionCookieReadResult(SessionCookieRejection rejection, byte[]? buffer, int offset, int length, bool signedWithCurrentKey)
    {
        Rejection = rejection;
        Buffer = buffer;
        Offset = offset;
        Length = length;
        SignedWithCurrentKey = signedWithCurrentKey;
    }

    public static SessionCookieReadResult Missing => default;

    public bool Found => Buffer is not null || Rejection != SessionCookieRejection.None;

    public bool IsLoaded => Buffer is not null;

    public SessionCookieRejection Rejection { get; }

    /// <summary>Rented from <see cref="ArrayPool{T}.Shared"/>; the caller returns it.</summary>
    public byte[]? Buffer { get; }

    public int Offset { get; }

    public int Length { get; }

    /// <summary><see langword="false"/> when an older secret signed it, and it should be re-signed.</summary>
    public bool SignedWithCurrentKey { get; }

    public ReadOnlySpan<byte> Json => Buffer.AsSpan(Offset, Length);

    public static SessionCookieReadResult Rejected(SessionCookieRejection rejection, byte[]? rented = null)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return new(rejection, null, 0, 0, false);
    }

    public static SessionCookieReadResult Loaded(byte[] rented, int offset, int length, bool signedWithCurrentKey)
        => new(SessionCookieRejection.None, rented, offset, length, signedWithCurrentKey);
}
