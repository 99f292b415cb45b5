using System.Runtime.InteropServices;
using CookieSession.Crypto;

namespace CookieSession.Formats.Protected;

/// <summary>
/// A 256-bit AES-GCM key that seals sessions, travelling in each cookie wrapped by Data Protection
/// (<see cref="Wrapped"/>). Used for at most <see cref="MaxUses"/> seals, so that random 96-bit nonces never repeat
/// in practice (NIST SP 800-38D's bound for random nonces is 2^32).
/// </summary>
/// <remarks>
/// A <see cref="GcmCipher"/> is not safe to share between threads, and every seal and first-sight open on a server goes
/// through its current key, so the key lends instances from a small pool instead of serializing requests on one. Each
/// thread has a home slot (handed out in turn, so the first threads get distinct ones) that it takes from and gives
/// back to first, and each slot has cache lines of its own, so that threads on different cores neither take each
/// other's instances nor write to one line: taking or giving back is one interlocked exchange on the thread's own line,
/// and nothing waits. A thread that finds its slot empty looks through the others; with none free (more threads inside
/// a seal at once than the pool holds: more threads than cores, preempted mid-seal) it keys an instance of its own,
/// which the pool keeps if a slot is free and disposes otherwise, so the pool never holds more than its slots.
/// </remarks>
internal sealed class DataKey
{
    /// <summary>The most seals one key makes: 2^24, far under the 2^32 that random nonces allow.</summary>
    public const long MaxUses = 1L << 24;

    public const int KeySize = 32;

    public const int NonceSize = 12;

    public const int TagSize = 16;

    /// <summary>Instances kept per key: twice the cores, so that threads preempted mid-seal rarely leave it empty.</summary>
    internal static readonly int PoolSize = Math.Max(4, 2 * Environment.ProcessorCount);

    /// <summary>The home slot of the next thread that seals or opens for the first time.</summary>
    private static int s_nextHome;

    /// <summary>The number of the next key made, so that a thread's block of uses names its key without holding it.</summary>
    private static long s_nextId;

    /// <summary>The key whose uses this thread holds a block of, and how many of them are left.</summary>
    [ThreadStatic]
    private static long t_blockKey;

    [ThreadStatic]
    private static int t_blockLeft;

    /// <summary>This thread's home slot, 1 to <see cref="PoolSize"/> (0: none yet); the same index in every key's pool.</summary>
    [ThreadStatic]
    private static int t_home;

    // Pinned so that the garbage collector never leaves copies of the key behind when it compacts; new instances are
    // keyed from it.
    private readonly byte[] _key;
    // Slot 0 is never used: it keeps the array's length, which every index check reads, off the lines slots are
    // written on.
    private readonly Slot[] _pool;
    private readonly long _id = Interlocked.Increment(ref s_nextId);
    private long _uses;

    public DataKey(ReadOnlySpan<byte> key, byte[] wrapped, object? generation, bool requiresMigration)
    {
        _key = GC.AllocateUninitializedArray<byte>(key.Length, pinned: true);
        key.CopyTo(_key);
        _pool = new Slot[PoolSize + 1];
        _pool[1].Cipher = new GcmCipher(_key);
        Wrapped = wrapped;
        Generation = generation;
        RequiresMigration = requiresMigration;
    }

    /// <summary>The key as Data Protection protected it: what the cookie carries.</summary>
    public byte[] Wrapped { get; }

    /// <summary>The Data Protection key ring it was wrapped or unwrapped under (<see langword="null"/> when not known).</summary>
    public object? Generation { get; }

    /// <summary>Data Protection wrapped it under a key that is no longer the default: cookies sealed with it are renewed.</summary>
    public bool RequiresMigration { get; }

    /// <summary>Uses a thread reserves at once, so that seals on different cores do not all write to one counter.</summary>
    private const int UsesPerBlock = 256;

    /// <summary>Counts one seal; <see langword="false"/> once the key has made <see cref="MaxUses"/>.</summary>
    /// <remarks>
    /// Threads take uses in blocks, each block counted against <see cref="MaxUses"/> as a whole, so a key seals at most
    /// <see cref="MaxUses"/> times (a little less: the unused rest of the blocks threads held when it was replaced).
    /// </remarks>
    public bool TryReserve()
    {
        if (t_blockKey == _id && t_blockLeft > 0)
        {
            t_blockLeft--;
            return true;
        }

        if (Interlocked.Add(ref _uses, UsesPerBlock) > MaxUses)
        {
            return false;
        }

        t_blockKey = _id;
        t_blockLeft = UsesPerBlock - 1;
        return true;
    }

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        var home = Home();
        var cipher = Rent(home);
        try
        {
            cipher.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        }
        catch
        {
            // Never back into the pool from a seal that failed part way.
            cipher.Dispose();
            throw;
        }

        Return(cipher, home);
    }

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var home = Home();
        var cipher = Rent(home);
        bool opened;
        try
        {
            opened = cipher.TryDecrypt(nonce, ciphertext, tag, plaintext, associatedData);
        }
        catch
        {
            cipher.Dispose();
            throw;
        }

        Return(cipher, home);
        return opened;
    }

    /// <summary>How many instances the pool holds now (none is lent out while this is read in tests).</summary>
    internal int PooledCount
    {
        get
        {
            var count = 0;
            for (var i = 1; i < _pool.Length; i++)
            {
                count += Volatile.Read(ref _pool[i].Cipher) is null ? 0 : 1;
            }

            return count;
        }
    }

    /// <summary>This thread's home slot: the first threads each get their own, in turn.</summary>
    private static int Home()
    {
        var home = t_home;
        if (home == 0)
        {
            t_home = home = (int)((uint)Interlocked.Increment(ref s_nextHome) % (uint)PoolSize) + 1;
        }

        return home;
    }

    /// <summary>An instance no other thread is using: the home slot's, another slot's, or a new one.</summary>
    private GcmCipher Rent(int home)
    {
        var cipher = Interlocked.Exchange(ref _pool[home].Cipher, null);
        if (cipher is not null)
        {
            return cipher;
        }

        for (var i = 1; i < PoolSize; i++)
        {
            var slot = home + i <= PoolSize ? home + i : home + i - PoolSize;
            cipher = Interlocked.Exchange(ref _pool[slot].Cipher, null);
            if (cipher is not null)
            {
                return cipher;
            }
        }

        return new GcmCipher(_key);
    }

    /// <summary>Gives the instance back to the home slot, or to any free one; disposes it when the pool is full.</summary>
    private void Return(GcmCipher cipher, int home)
    {
        for (var i = 0; i < PoolSize; i++)
        {
            var slot = home + i <= PoolSize ? home + i : home + i - PoolSize;
            if (Interlocked.CompareExchange(ref _pool[slot].Cipher, cipher, null) is null)
            {
                return;
            }
        }

        cipher.Dispose();
    }

    /// <summary>
    /// One slot of the pool, alone on two cache lines (the line and the neighbour that x64 processors prefetch with it),
    /// so that threads exchanging in different slots never write to the same line.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Slot
    {
        [FieldOffset(0)]
        public GcmCipher? Cipher;
    }
}
