using System.Buffers;

namespace CookieSession.Formats;

/// <summary>
/// What a format found in the request: nothing, a rejected cookie, or the verified JSON of the session (in a
/// buffer rented from <see cref="ArrayPool{T}.Shared"/>, which the session returns) with what the cookie says
/// about it: its times, and whether it should be written again even if unchanged.
/// </summary>
internal readonly struct SessionCookieReadResult
{
    private SessionCookieReadResult(SessionCookieRejection rejection, byte[]? buffer, int offset, int length, bool needsRenewal, SessionTimes? times)
    {
        Rejection = rejection;
        Buffer = buffer;
        Offset = offset;
        Length = length;
        NeedsRenewal = needsRenewal;
        Times = times;
    }

    public static SessionCookieReadResult Missing => default;

    public bool Found => Buffer is not null || Rejection != SessionCookieRejection.None;

    public bool IsLoaded => Buffer is not null;

    public SessionCookieRejection Rejection { get; }

    /// <summary>Rented from <see cref="ArrayPool{T}.Shared"/>; whoever takes the result returns it.</summary>
    public byte[]? Buffer { get; }

    public int Offset { get; }

    public int Length { get; }

    /// <summary>
    /// The cookie should be written again even if the session did not change: an older secret or key protected
    /// it, or its lifetime asks for a new one.
    /// </summary>
    public bool NeedsRenewal { get; }

    /// <summary>The times the cookie carries; <see langword="null"/> for formats that carry none.</summary>
    public SessionTimes? Times { get; }

    public ReadOnlySpan<byte> Json => Buffer.AsSpan(Offset, Length);

    public static SessionCookieReadResult Rejected(SessionCookieRejection rejection, byte[]? rented = null)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }

        return new(rejection, null, 0, 0, false, null);
    }

    public static SessionCookieReadResult Loaded(byte[] rented, int offset, int length, bool needsRenewal, SessionTimes? times = null)
        => new(SessionCookieRejection.None, rented, offset, length, needsRenewal, times);
}
