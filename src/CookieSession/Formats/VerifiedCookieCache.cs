using System.Buffers;
using System.Runtime.InteropServices;
using CookieSession.Signing;

namespace CookieSession.Formats;

/// <summary>
/// Cookie values this process verified or wrote, with what they decoded to, so that a browser sending the same
/// cookie again (as it does until the cookie changes) costs a lookup instead of an HMAC or a decryption. The way
/// Envoy's JWT filter caches verified tokens.
/// </summary>
/// <remarks>
/// <para>
/// Nobody can probe it: a value is found by a hash seeded at random per process (<see cref="HashCode"/>) and
/// accepted only if it equals the stored value whole, compared in constant time. Only values that verified, or
/// that this process wrote, are ever stored. A miss costs what a request costs without the cache.
/// </para>
/// <para>
/// Bounded: a fixed number of slots (a newer value takes an older one's slot, never more), and no entry over
/// <see cref="MaxEntrySize"/> bytes. What can change after a value was stored is checked on every hit by the
/// format (lifetimes) or through <c>generation</c> (a Data Protection key ring that was reloaded, so that key
/// rotation and revocation apply), and the validation hook runs as on a miss.
/// </para>
/// </remarks>
internal sealed class VerifiedCookieCache
{
    /// <summary>The largest entry stored, value and JSON together, in bytes: 16 KB.</summary>
    public const int MaxEntrySize = 16 * 1024;

    private readonly Entry?[] _slots;
    private readonly int _mask;

    private VerifiedCookieCache(int capacity)
    {
        var size = (int)Math.Min(1u << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity));
        _slots = new Entry?[size];
        _mask = size - 1;
    }

    /// <summary>A cache of <paramref name="capacity"/> entries (rounded up to a power of two), or none for 0.</summary>
    public static VerifiedCookieCache? Create(int capacity) => capacity > 0 ? new VerifiedCookieCache(capacity) : null;

    /// <summary>
    /// Finds the value made of <paramref name="first"/> and <paramref name="second"/> (a cookie and its signature
    /// cookie, or just one); a hit stored under another <paramref name="generation"/> is a miss.
    /// </summary>
    public bool TryGet(ReadOnlySpan<char> first, ReadOnlySpan<char> second, object? generation, out SessionCookieReadResult result)
    {
        var entry = Volatile.Read(ref _slots[Hash(first, second) & _mask]);
        if (entry is null
            || entry.Key.Length != first.Length + second.Length
            || entry.FirstLength != first.Length
            || !ReferenceEquals(entry.Generation, generation)
            || !(ConstantTime.Equals(MemoryMarshal.AsBytes(entry.Key.AsSpan(0, first.Length)), MemoryMarshal.AsBytes(first))
                & ConstantTime.Equals(MemoryMarshal.AsBytes(entry.Key.AsSpan(first.Length)), MemoryMarshal.AsBytes(second))))
        {
            result = default;
            return false;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, entry.Json.Length));
        entry.Json.CopyTo(rented, 0);
        result = SessionCookieReadResult.Loaded(rented, 0, entry.Json.Length, entry.NeedsRenewal, entry.Times);
        return true;
    }

    /// <summary>Stores a value that verified (with what it decoded to), or that this process wrote.</summary>
    public void Add(ReadOnlySpan<char> first, ReadOnlySpan<char> second, ReadOnlySpan<byte> json, bool needsRenewal, SessionTimes? times, object? generation)
    {
        if ((2 * (first.Length + second.Length)) + json.Length > MaxEntrySize)
        {
            return;
        }

        var entry = new Entry(string.Concat(first, second), first.Length, json.ToArray(), needsRenewal, times, generation);
        Volatile.Write(ref _slots[Hash(first, second) & _mask], entry);
    }

    private static int Hash(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        var hash = default(HashCode);
        hash.AddBytes(MemoryMarshal.AsBytes(first));
        hash.Add(first.Length);
        hash.AddBytes(MemoryMarshal.AsBytes(second));
        return hash.ToHashCode();
    }

    private sealed record Entry(string Key, int FirstLength, byte[] Json, bool NeedsRenewal, SessionTimes? Times, object? Generation);
}
