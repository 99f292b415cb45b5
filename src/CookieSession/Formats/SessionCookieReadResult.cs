using System.Buffers;
using CookieSession.Json;

namespace CookieSession.Formats;

/// <summary>
/// What a format found in the request: nothing, a rejected cookie, or the verified JSON of the session with what
/// the cookie says about it: its times, and whether it should be written again even if unchanged.
/// </summary>
/// <remarks>
/// A loaded result's JSON is always a validated JSON object (<see cref="Verified"/> checks it once, when the cookie
/// is first opened). Its buffer is either rented from <see cref="ArrayPool{T}.Shared"/> (<see cref="IsPooled"/>:
/// whoever takes the result returns it) or the immutable copy kept by <see cref="VerifiedCookieCache"/>, which is
/// shared by every request that sends the same cookie and is never written to or returned.
/// </remarks>
internal readonly struct SessionCookieReadResult
{
    private SessionCookieReadResult(SessionCookieRejection rejection, byte[]? buffer, int offset, int length, bool needsRenewal, SessionTimes? times, bool pooled, bool needsTree, int[]? index = null)
    {
        Index = index;
        Rejection = rejection;
        Buffer = buffer;
        Offset = offset;
        Length = length;
        NeedsRenewal = needsRenewal;
        Times = times;
        IsPooled = pooled;
        NeedsTree = needsTree;
    }

    public static SessionCookieReadResult Missing => default;

    public bool Found => Buffer is not null || Rejection != SessionCookieRejection.None;

    public bool IsLoaded => Buffer is not null;

    public SessionCookieRejection Rejection { get; }

    /// <summary>The JSON's buffer: rented when <see cref="IsPooled"/>, else the cache's own immutable copy.</summary>
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

    /// <summary><see cref="Buffer"/> was rented from the shared pool and goes back to it (cleared) once used.</summary>
    public bool IsPooled { get; }

    /// <summary>
    /// Only a tree reads the JSON as JavaScript does (a repeated key, or keys out of JavaScript's order), as
    /// <see cref="RawJsonObject.TryValidate(ReadOnlySpan{byte}, out bool, out int[])"/> found.
    /// </summary>
    public bool NeedsTree { get; }

    /// <summary>Where the JSON's properties lie (<see cref="RawJsonObject.Index"/>), kept by the cache; or none.</summary>
    public int[]? Index { get; }

    public ReadOnlySpan<byte> Json => Buffer.AsSpan(Offset, Length);

    public static SessionCookieReadResult Rejected(SessionCookieRejection rejection, byte[]? rented = null)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }

        return new(rejection, null, 0, 0, false, null, pooled: false, needsTree: false);
    }

    /// <summary>
    /// The verified, decoded JSON in a rented buffer, checked once here to be a JSON object no deeper than
    /// <see cref="CookieSessionDefaults.MaxDepth"/>; anything else is refused (and the buffer returned), so that
    /// only a valid session is ever cached or loaded.
    /// </summary>
    public static SessionCookieReadResult Verified(byte[] rented, int offset, int length, bool needsRenewal, SessionTimes? times = null)
        => RawJsonObject.TryValidate(rented.AsSpan(offset, length), out var needsTree, out var index)
            ? new(SessionCookieRejection.None, rented, offset, length, needsRenewal, times, pooled: true, needsTree, index)
            : Rejected(SessionCookieRejection.NotJsonObject, rented);

    /// <summary>A value found in the cache: its JSON was validated when it was stored, and is shared.</summary>
    public static SessionCookieReadResult Cached(byte[] json, bool needsRenewal, SessionTimes? times, bool needsTree, int[]? index)
        => new(SessionCookieRejection.None, json, 0, json.Length, needsRenewal, times, pooled: false, needsTree, index);

    /// <summary>This result, asking (or not) for a new cookie.</summary>
    public SessionCookieReadResult WithRenewal(bool needsRenewal)
        => new(Rejection, Buffer, Offset, Length, needsRenewal, Times, IsPooled, NeedsTree, Index);

    /// <summary>Refuses this loaded result after all (a lifetime passed), returning its buffer if it was rented.</summary>
    public SessionCookieReadResult Reject(SessionCookieRejection rejection)
        => Rejected(rejection, IsPooled ? Buffer : null);

    /// <summary>Returns the buffer to the pool (cleared: it held a session) if it was rented.</summary>
    public void ReturnBuffer()
    {
        if (IsPooled && Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(Buffer, clearArray: true);
        }
    }
}
