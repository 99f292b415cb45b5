using System.Runtime.InteropServices;
using CookieSession.Json;
using CookieSession.Signing;

namespace CookieSession.Formats;

/// <summary>
/// Cookie values this process verified or wrote, with what they decoded to, so that a browser sending the same
/// cookie again (as it does until the cookie changes) costs a lookup instead of an HMAC or a decryption. One cache
/// serves every codec, through <see cref="WireFormat"/>.
/// </summary>
/// <remarks>
/// <para>
/// Nobody can probe it: a value is found by a hash seeded at random per process (<see cref="HashCode"/>) and
/// accepted only if it equals the stored value whole, compared in constant time. The hashes are compared first, so
/// that a miss mostly reads nothing of the stored value; a hash seeded per process says nothing of a value's bytes.
/// Only values that verified, or that this process wrote, are ever stored. A miss costs what a request costs
/// without the cache.
/// </para>
/// <para>
/// Bounded: a fixed number of slots (a newer value takes an older one's slot, never more), and no entry over
/// <see cref="MaxEntrySize"/> bytes. A verified value takes a slot that another value holds only the second time it
/// is verified (the slot remembers the first time by its hash), so that values seen once, as on a site with more
/// visitors than slots, neither evict what is sent again nor allocate an entry that dies unused; a value this
/// process wrote is stored at once, unless its slot holds another written value, unread and younger than two seconds
/// (see <see cref="AddWritten(ReadOnlyMemory{char}, ReadOnlyMemory{char}, ReadOnlySpan{byte}, SessionTimes?, DateTimeOffset?, object?)"/>),
/// and a written value read once is dropped when the request that read it replaces it (<see cref="Forget"/>); a write
/// taken back before its response started drops what it stored (<see cref="TakeBack"/>).
/// What can change after a value was stored is checked on every hit by the codec (<see cref="ISessionCodec.Recheck"/>:
/// lifetimes, expiries) or through <c>generation</c> (a Data Protection key ring that was reloaded, so that key
/// rotation and revocation apply; secrets or passwords that a configuration reload replaced), and the validation hook
/// runs as on a miss.
/// </para>
/// </remarks>
internal sealed class VerifiedCookieCache
{
    /// <summary>The largest entry stored, value and JSON together, in bytes: 16 KB.</summary>
    public const int MaxEntrySize = 16 * 1024;

    /// <summary>How many characters at the end of each part choose the slot: 96 bits or more of a MAC or tag.</summary>
    private const int HashedTail = 16;

    /// <summary>
    /// How long a written value nobody has read keeps its slot against other written values, in milliseconds: time for
    /// the browser's next request to bring it back.
    /// </summary>
    private const long UnreadHoldMilliseconds = 2000;

    private readonly Entry?[] _slots;

    /// <summary>
    /// For each slot, the hash and the generation of the entry stored there last, read before the entry: a lookup or an
    /// admission that misses, as most do on a site with more visitors than slots, then reads no entry, each of which lies
    /// elsewhere in memory. Hints only, written before the entry and not under a lock: every hit still compares the entry
    /// itself, so a hint that racing requests left stale costs at most a miss, a value stored again, or one turned away.
    /// </summary>
    private readonly int[] _hashes;
    private readonly object?[] _generations;

    /// <summary>
    /// For each slot, until when (<see cref="Environment.TickCount64"/>'s clock) the written value stored there last holds
    /// it against other written values, unread; 0 once read, and for a verified value. A hint, as the two above: left
    /// stale by racing requests, it lets a written value in early or keeps one out for at most the two seconds of a hold.
    /// </summary>
    private readonly long[] _heldUntil;

    /// <summary>For each slot, the hash of the last verified value it turned away; 0 for none.</summary>
    private readonly int[] _turnedAway;
    private readonly int _mask;

    private VerifiedCookieCache(int capacity)
    {
        var size = (int)Math.Min(1u << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity));
        _slots = new Entry?[size];
        _hashes = new int[size];
        _generations = new object?[size];
        _heldUntil = new long[size];
        _turnedAway = new int[size];
        _mask = size - 1;
    }

    /// <summary>A cache of <paramref name="capacity"/> entries (rounded up to a power of two), or none for 0.</summary>
    public static VerifiedCookieCache? Create(int capacity) => capacity > 0 ? new VerifiedCookieCache(capacity) : null;

    /// <summary>
    /// Finds the value made of <paramref name="first"/> and <paramref name="second"/> (a cookie and its signature
    /// cookie, or just one); a hit stored under another <paramref name="generation"/> is a miss. A hit hands out the
    /// entry's own JSON, validated when it was stored, shared and never written to.
    /// </summary>
    public bool TryGet(ReadOnlySpan<char> first, ReadOnlySpan<char> second, object? generation, out SessionCookieReadResult result)
        => TryGet(Hash(first, second), first, second, generation, out result);

    /// <summary>
    /// As <see cref="TryGet(ReadOnlySpan{char}, ReadOnlySpan{char}, object?, out SessionCookieReadResult)"/>, with the
    /// value's <see cref="Hash"/> already taken, so that a miss followed by <see cref="Add(int, ReadOnlySpan{char}, ReadOnlySpan{char}, in SessionCookieReadResult, object?)"/>
    /// takes it once.
    /// </summary>
    public bool TryGet(int hash, ReadOnlySpan<char> first, ReadOnlySpan<char> second, object? generation, out SessionCookieReadResult result)
    {
        var slot = hash & _mask;
        if (_hashes[slot] != hash)
        {
            result = default;
            return false;
        }

        var entry = Volatile.Read(ref _slots[slot]);
        if (entry is null
            || entry.Hash != hash
            || entry.First.Length != first.Length
            || entry.Second.Length != second.Length
            || !ReferenceEquals(entry.Generation, generation)
            || !(ConstantTime.Equals(MemoryMarshal.AsBytes(entry.First.Span), MemoryMarshal.AsBytes(first))
                & ConstantTime.Equals(MemoryMarshal.AsBytes(entry.Second.Span), MemoryMarshal.AsBytes(second))))
        {
            result = default;
            return false;
        }

        Entry? firstRead = null;
        if (!Volatile.Read(ref entry.Checked))
        {
            // A written value's JSON is read for its keys the first time it comes back, not when it is written: most
            // written values are replaced before a request sends them again. Marked in place, not copied: requests
            // racing here each find the same and write the same.
            if (!RawJsonObject.TryValidate(entry.Json, out var needsTree, out var index))
            {
                result = default;
                return false;
            }

            entry.NeedsTree = needsTree;
            entry.Index = index;
            Volatile.Write(ref entry.Checked, true);
            // Only the hold this entry set: another written value may have taken the slot since.
            Interlocked.CompareExchange(ref _heldUntil[slot], 0, entry.WrittenAt + UnreadHoldMilliseconds);

            firstRead = entry;
        }

        result = SessionCookieReadResult.Cached(entry.Json, entry.NeedsRenewal, entry.Times, entry.NeedsTree, entry.Index, entry.Expires, firstRead);
        return true;
    }

    /// <summary>
    /// Drops the entry a request read first (<see cref="SessionCookieReadResult.FirstReadOfWritten"/>) when that request
    /// replaced its value with <paramref name="first"/> and <paramref name="second"/>, or deleted it (both empty): unless
    /// its slot holds something else by now, or the value written is the very one read.
    /// </summary>
    /// <remarks>
    /// A written value read once and replaced is how a browser goes: it sends the new cookie from then on, so the old
    /// entry would only wait, unread, for its slot to be taken, long enough to be promoted by the collector and to die
    /// in an older generation. Dropped at once it dies young. A request already under way with the old value (a page's
    /// parallel requests) then verifies it as on a miss and may store it as a verified value, which no write drops; a
    /// value sent again and again is read first only once, so it is dropped at most once.
    /// </remarks>
    public void Forget(Entry? firstRead, ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        if (firstRead is not { } entry
            || (first.SequenceEqual(entry.First.Span) && second.SequenceEqual(entry.Second.Span)))
        {
            return;
        }

        // Only if the slot still holds it: another value may have taken the slot since.
        Empty(entry);
    }

    /// <summary>
    /// Drops the entry a write stored (what <see cref="AddWritten(ReadOnlyMemory{char}, ReadOnlyMemory{char}, ReadOnlySpan{byte}, SessionTimes?, DateTimeOffset?, object?)"/>
    /// returned) when the write is taken back before its response started: no browser received the value, so none
    /// will send it, and unread it would hold its slot against other written values. Not an entry read since: another
    /// request wrote the same value (Connect's and Express's values are the same for the same JSON), and its browser
    /// has it.
    /// </summary>
    public void TakeBack(Entry? written)
    {
        if (written is not null && !Volatile.Read(ref written.Checked))
        {
            Empty(written);
        }
    }

    /// <summary>
    /// Empties the entry's slot if it still holds the entry, and lets go of its generation there (secrets or a key ring
    /// that a reload replaced), which would otherwise stay reachable until the slot is used again.
    /// </summary>
    private void Empty(Entry entry)
    {
        var slot = entry.Hash & _mask;
        if (Interlocked.CompareExchange(ref _slots[slot], null, entry) == entry)
        {
            Interlocked.CompareExchange(ref _generations[slot], null, entry.Generation);
        }
    }

    /// <summary>
    /// Stores a value that verified, with what it decoded to (a loaded, hence validated, result): into a free slot, one
    /// whose entry is of an older generation, or, the second time running that the slot sees it, one that holds
    /// another value. Returns whether it was stored.
    /// </summary>
    public bool Add(ReadOnlySpan<char> first, ReadOnlySpan<char> second, in SessionCookieReadResult verified, object? generation)
        => Add(Hash(first, second), first, second, verified, generation);

    /// <summary>
    /// As <see cref="Add(ReadOnlySpan{char}, ReadOnlySpan{char}, in SessionCookieReadResult, object?)"/>, with the
    /// value's <see cref="Hash"/> that the lookup before it took.
    /// </summary>
    public bool Add(int hash, ReadOnlySpan<char> first, ReadOnlySpan<char> second, in SessionCookieReadResult verified, object? generation)
    {
        if (!verified.IsLoaded || !Fits(first.Length + second.Length, verified.Json.Length))
        {
            return false;
        }

        var slot = hash & _mask;
        if (_turnedAway[slot] != hash && ReferenceEquals(_generations[slot], generation) && Volatile.Read(ref _slots[slot]) is not null)
        {
            // Only remembered: a browser sends the same cookie until it changes, so a value that comes back is stored
            // then, and one that never does costs no entry. A race between requests only turns one more value away.
            _turnedAway[slot] = hash;
            return false;
        }

        // The value is a piece of the request's Cookie header: copied, so that the entry keeps only itself.
        var key = string.Concat(first, second);
        Store(hash, key.AsMemory(0, first.Length), key.AsMemory(first.Length), verified.JsonArray!, verified.NeedsRenewal, verified.Times, verified.Expires, verified.NeedsTree, verified.Index, generation, isChecked: true, writtenAt: 0);
        return true;
    }

    /// <summary>
    /// Stores a value this process wrote, which needs no renewal. Its JSON is checked as a verified value's is (a
    /// renewal writes a cookie's JSON again as it came, which only the tree may read as <c>JSON.parse</c> does), on
    /// the first hit, which also finds where its keys lie. The value is kept as given, not copied: a piece of the
    /// <c>Set-Cookie</c> header that carried it. <paramref name="expires"/> is the value's expiry as <see cref="SessionCookieReadResult.Expires"/> says it.
    /// </summary>
    /// <remarks>
    /// A value the slot already holds is not stored again (a session written unchanged, as a renewal may). Nor does a
    /// written value take the slot of another written value that nobody has read yet and that was written less than
    /// <see cref="UnreadHoldMilliseconds"/> before: that one's browser may be about to send it. Where writes reach a
    /// slot faster than browsers come back (a busy site, more sessions than slots), storing every value would only
    /// allocate entries that die unread after living long enough to be promoted; this way a slot takes about one
    /// such value every two seconds (a hint, not a lock: racing writers may both store), each given the time to be
    /// read, and a quiet site keeps nearly every value it writes.
    /// </remarks>
    /// <returns>The entry stored, for <see cref="TakeBack"/>; <see langword="null"/> when none was.</returns>
    public Entry? AddWritten(ReadOnlyMemory<char> first, ReadOnlyMemory<char> second, ReadOnlySpan<byte> json, SessionTimes? times, DateTimeOffset? expires, object? generation)
        => AddWritten(first, second, json, times, expires, generation, Environment.TickCount64);

    /// <summary>
    /// As <see cref="AddWritten(ReadOnlyMemory{char}, ReadOnlyMemory{char}, ReadOnlySpan{byte}, SessionTimes?, DateTimeOffset?, object?)"/>,
    /// at <paramref name="now"/> on <see cref="Environment.TickCount64"/>'s clock.
    /// </summary>
    internal Entry? AddWritten(ReadOnlyMemory<char> first, ReadOnlyMemory<char> second, ReadOnlySpan<byte> json, SessionTimes? times, DateTimeOffset? expires, object? generation, long now)
    {
        if (!Fits(first.Length + second.Length, json.Length))
        {
            return null;
        }

        var hash = Hash(first.Span, second.Span);
        var slot = hash & _mask;
        var resident = Volatile.Read(ref _slots[slot]);
        var same = false;
        if (resident is not null && ReferenceEquals(_generations[slot], generation) && _hashes[slot] != hash)
        {
            // Another value, told from the hints without reading it (it lies elsewhere in memory): held if written, unread
            // and young.
            if (now < _heldUntil[slot])
            {
                return null;
            }
        }
        else if (resident is not null && ReferenceEquals(resident.Generation, generation))
        {
            // Compared in constant time, as a lookup compares: the resident may be another browser's value.
            same = resident.Hash == hash
                && (ConstantTime.Equals(MemoryMarshal.AsBytes(resident.First.Span), MemoryMarshal.AsBytes(first.Span))
                    & ConstantTime.Equals(MemoryMarshal.AsBytes(resident.Second.Span), MemoryMarshal.AsBytes(second.Span)));
            if (same ? !resident.NeedsRenewal && resident.Expires == expires && Nullable.Equals(resident.Times, times)
                : !Volatile.Read(ref resident.Checked) && now - resident.WrittenAt < UnreadHoldMilliseconds)
            {
                return null;
            }
        }

        var entry = Store(hash, first, second, json.ToArray(), needsRenewal: false, times, expires, needsTree: false, index: null, generation, isChecked: false, writtenAt: now);

        // A value its slot held already (another of its times or expiry) may be in a browser: no take-back drops it.
        return same ? null : entry;
    }

    /// <summary>Whether a value of this many characters and its JSON stay within <see cref="MaxEntrySize"/>.</summary>
    public static bool Fits(int chars, int jsonBytes) => (2 * chars) + jsonBytes <= MaxEntrySize;

    /// <summary>Stores an entry; <paramref name="json"/> is immutable from now on, shared with every hit.</summary>
    private Entry Store(int hash, ReadOnlyMemory<char> first, ReadOnlyMemory<char> second, byte[] json, bool needsRenewal, SessionTimes? times, DateTimeOffset? expires, bool needsTree, int[]? index, object? generation, bool isChecked, long writtenAt)
    {
        // Where each key lies comes with the value (found while validating): every request that sends the value again
        // finds its keys without reading the JSON. None for a JSON the tree reads.
        var entry = new Entry(hash, first, second, json, needsRenewal, times, expires, needsTree, index, generation, isChecked, writtenAt);
        var slot = hash & _mask;
        _hashes[slot] = hash;
        _generations[slot] = generation;
        _heldUntil[slot] = isChecked ? 0 : writtenAt + UnreadHoldMilliseconds;
        Volatile.Write(ref _slots[slot], entry);
        return entry;
    }

    /// <summary>
    /// The slot of a value: a per-process randomized hash (<see cref="HashCode"/>, seeded at random per process) of the
    /// lengths and the last <see cref="HashedTail"/> characters of each part, where a signed or sealed value keeps its
    /// MAC or tag: values that differ there differ in slot. Two values sharing a slot only take turns in it; a hit needs
    /// the whole value equal.
    /// </summary>
    public static int Hash(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        var hash = default(HashCode);
        hash.AddBytes(MemoryMarshal.AsBytes(first[Math.Max(0, first.Length - HashedTail)..]));
        hash.Add(first.Length);
        if (!second.IsEmpty)
        {
            // Express's signature cookie; every other format has one part.
            hash.AddBytes(MemoryMarshal.AsBytes(second[Math.Max(0, second.Length - HashedTail)..]));
            hash.Add(second.Length);
        }

        return hash.ToHashCode();
    }

    /// <summary>A stored value and what it decoded to; handed out only as the token of a first read (<see cref="Forget"/>) or of a write (<see cref="TakeBack"/>).</summary>
    internal sealed class Entry(int hash, ReadOnlyMemory<char> first, ReadOnlyMemory<char> second, byte[] json, bool needsRenewal, SessionTimes? times, DateTimeOffset? expires, bool needsTree, int[]? index, object? generation, bool isChecked, long writtenAt)
    {
        // Where the JSON's keys lie and whether only a tree reads it: set before Checked, which publishes them.
        public int[]? Index = index;
        public bool NeedsTree = needsTree;

        // Whether Json was validated and its keys found: a verified value's were, a written value's are on its first hit.
        public bool Checked = isChecked;

        public int Hash { get; } = hash;

        public ReadOnlyMemory<char> First { get; } = first;

        public ReadOnlyMemory<char> Second { get; } = second;

        public byte[] Json { get; } = json;

        public bool NeedsRenewal { get; } = needsRenewal;

        public SessionTimes? Times { get; } = times;

        public DateTimeOffset? Expires { get; } = expires;

        public object? Generation { get; } = generation;

        /// <summary>When this process wrote the value, on <see cref="Environment.TickCount64"/>'s clock; 0 for a verified one.</summary>
        public long WrittenAt { get; } = writtenAt;
    }
}
