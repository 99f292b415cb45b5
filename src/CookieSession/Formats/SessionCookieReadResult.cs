using System.Buffers;
using CookieSession.Json;

namespace CookieSession.Formats;

/// <summary>
/// What a format found in the request: nothing, a rejected cookie, or the verified JSON of the session with what
/// the cookie says about it: its times, and whether it should be written again even if unchanged.
/// </summary>
/// <remarks>
/// A loaded result's JSON is a validated JSON object in an array of its own, exactly its length, that nobody writes
/// to: made once when the cookie is first opened (<see cref="Verified"/>, <see cref="VerifiedOwned"/>), then shared by the session and the cache
/// of verified values (<see cref="VerifiedCookieCache"/>) with every request that sends the same cookie.
/// </remarks>
internal readonly struct SessionCookieReadResult
{
    private SessionCookieReadResult(SessionCookieRejection rejection, byte[]? json, bool needsRenewal, SessionTimes? times, bool needsTree, int[]? index, bool cached = false, DateTimeOffset? expires = null, VerifiedCookieCache.Entry? firstReadOfWritten = null)
    {
        FirstReadOfWritten = firstReadOfWritten;
        Expires = expires;
        IsCached = cached;
        Index = index;
        Rejection = rejection;
        JsonArray = json;
        NeedsRenewal = needsRenewal;
        Times = times;
        NeedsTree = needsTree;
    }

    public static SessionCookieReadResult Missing => default;

    public bool Found => JsonArray is not null || Rejection != SessionCookieRejection.None;

    public bool IsLoaded => JsonArray is not null;

    public SessionCookieRejection Rejection { get; }

    /// <summary>The session's JSON, immutable and shared.</summary>
    public byte[]? JsonArray { get; }

    /// <summary>
    /// The cookie should be written again even if the session did not change: an older secret or key protected
    /// it, or its lifetime asks for a new one.
    /// </summary>
    public bool NeedsRenewal { get; }

    /// <summary>The times the cookie carries; <see langword="null"/> for formats that carry none.</summary>
    public SessionTimes? Times { get; }

    /// <summary>
    /// When the value stops being accepted, for a codec that cannot read it again from the value when a cached one is
    /// rechecked (it lies inside the encryption); <see langword="null"/> for none.
    /// </summary>
    public DateTimeOffset? Expires { get; }

    /// <summary>
    /// Only a tree reads the JSON as JavaScript does (a repeated key, or keys out of JavaScript's order), as
    /// <see cref="RawJsonObject.TryValidate(ReadOnlySpan{byte}, out bool, out int[])"/> found.
    /// </summary>
    public bool NeedsTree { get; }

    /// <summary>Where the JSON's properties lie (<see cref="RawJsonObject.Index"/>), or none.</summary>
    public int[]? Index { get; }

    public ReadOnlySpan<byte> Json => JsonArray;

    /// <summary>Found in the cache of verified values, without verifying or decoding anything.</summary>
    public bool IsCached { get; }

    /// <summary>
    /// The cache's entry of a value this process wrote, when this read was its first; otherwise <see langword="null"/>.
    /// A request that then replaces the value hands it back (<see cref="VerifiedCookieCache.Forget"/>).
    /// </summary>
    public VerifiedCookieCache.Entry? FirstReadOfWritten { get; }

    /// <summary>A refused cookie; <paramref name="scratch"/>, if given, goes back to the pool.</summary>
    public static SessionCookieReadResult Rejected(SessionCookieRejection rejection, byte[]? scratch = null)
    {
        ReturnScratch(scratch);
        return new(rejection, null, false, null, needsTree: false, index: null);
    }

    /// <summary>
    /// The verified, decoded JSON, found in <paramref name="scratch"/> (rented from the shared pool, and returned to it
    /// here), checked once to be a JSON object no deeper than <see cref="CookieSessionDefaults.MaxDepth"/> and copied
    /// into an array of its own; anything else is refused, so that only a valid session is ever cached or loaded.
    /// <paramref name="used"/>: how much of the scratch, from its start, the codec wrote, which alone needs clearing; the
    /// whole array when not given.
    /// </summary>
    public static SessionCookieReadResult Verified(byte[] scratch, int offset, int length, bool needsRenewal, SessionTimes? times = null, DateTimeOffset? expires = null, int? used = null)
    {
        var json = scratch.AsSpan(offset, length);
        if (!RawJsonObject.TryValidate(json, out var needsTree, out var index))
        {
            return Rejected(SessionCookieRejection.NotJsonObject, scratch);
        }

        var owned = json.ToArray();
        if (used is { } written)
        {
            // A pooled array is often several times the cookie's size: clearing what was written is enough.
            scratch.AsSpan(0, written).Clear();
            ArrayPool<byte>.Shared.Return(scratch);
        }
        else
        {
            ReturnScratch(scratch);
        }

        return new(SessionCookieRejection.None, owned, needsRenewal, times, needsTree, index, expires: expires);
    }

    /// <summary>
    /// The verified, decoded JSON, already in an array of its own, exactly its length, that nobody else holds (a codec
    /// that knew the length before decoding); checked as <see cref="Verified"/> checks it, and refused likewise.
    /// </summary>
    public static SessionCookieReadResult VerifiedOwned(byte[] json, bool needsRenewal, SessionTimes? times = null, DateTimeOffset? expires = null)
        => RawJsonObject.TryValidate(json, out var needsTree, out var index)
            ? new(SessionCookieRejection.None, json, needsRenewal, times, needsTree, index, expires: expires)
            : Rejected(SessionCookieRejection.NotJsonObject);

    /// <summary>
    /// A value found in the cache: its JSON was validated when it was stored (or on this, its first read), and is shared.
    /// <paramref name="firstReadOfWritten"/>: the entry, when this is the first read of a value this process wrote.
    /// </summary>
    public static SessionCookieReadResult Cached(byte[] json, bool needsRenewal, SessionTimes? times, bool needsTree, int[]? index, DateTimeOffset? expires, VerifiedCookieCache.Entry? firstReadOfWritten = null)
        => new(SessionCookieRejection.None, json, needsRenewal, times, needsTree, index, cached: true, expires, firstReadOfWritten);

    /// <summary>This result, asking (or not) for a new cookie.</summary>
    public SessionCookieReadResult WithRenewal(bool needsRenewal)
        => new(Rejection, JsonArray, needsRenewal, Times, NeedsTree, Index, IsCached, Expires, FirstReadOfWritten);

    /// <summary>Refuses this loaded result after all (a lifetime passed).</summary>
    public SessionCookieReadResult Reject(SessionCookieRejection rejection) => Rejected(rejection);

    /// <summary>Gives decoding scratch back to the pool, cleared: it held a session, decrypted for the encrypted formats.</summary>
    private static void ReturnScratch(byte[]? scratch)
    {
        if (scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(scratch, clearArray: true);
        }
    }
}
