using System.Security.Cryptography;

namespace CookieSession.Formats.Protected;

/// <summary>
/// A 256-bit AES-GCM key that seals sessions, travelling in each cookie wrapped by Data Protection
/// (<see cref="Wrapped"/>). Used for at most <see cref="MaxUses"/> seals, so that random 96-bit nonces never repeat
/// in practice (NIST SP 800-38D's bound for random nonces is 2^32).
/// </summary>
/// <remarks>
/// An <see cref="AesGcm"/> is not safe to share between threads, and every seal and first-sight open on a server goes
/// through its current key, so the key lends instances from a small pool instead of serializing requests on one:
/// taking or giving one back is one interlocked exchange, nothing waits, and a thread that finds the pool empty (more
/// threads inside a seal at once than the pool holds, which needs more threads than cores, preempted mid-seal)
/// makes an instance of its own and the pool keeps it if a slot is free, else it is disposed.
/// </remarks>
internal sealed class DataKey
{
    /// <summary>The most seals one key makes: 2^24, far under the 2^32 that random nonces allow.</summary>
    public const long MaxUses = 1L << 24;

    public const int KeySize = 32;

    public const int NonceSize = 12;

    public const int TagSize = 16;

    /// <summary>Instances kept per key: twice the cores, so that threads preempted mid-seal rarely leave it empty.</summary>
    private static readonly int PoolSize = Math.Max(4, 2 * Environment.ProcessorCount);

    // Pinned so that the garbage collector never leaves copies of the key behind when it compacts; new instances are
    // keyed from it.
    private readonly byte[] _key;
    private readonly AesGcm?[] _pool;
    private long _uses;

    public DataKey(ReadOnlySpan<byte> key, byte[] wrapped, object? generation, bool requiresMigration)
    {
        _key = GC.AllocateUninitializedArray<byte>(key.Length, pinned: true);
        key.CopyTo(_key);
        _pool = new AesGcm?[PoolSize];
        _pool[0] = new AesGcm(_key, TagSize);
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

    /// <summary>Counts one seal; <see langword="false"/> once the key has made <see cref="MaxUses"/>.</summary>
    public bool TryReserve() => Interlocked.Increment(ref _uses) <= MaxUses;

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        var aes = Rent(out var slot);
        try
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        }
        finally
        {
            Return(aes, slot);
        }
    }

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var aes = Rent(out var slot);
        try
        {
            aes.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        finally
        {
            Return(aes, slot);
        }
    }

    /// <summary>An instance no other thread is using; <paramref name="slot"/> is where it was found (or would go).</summary>
    private AesGcm Rent(out int slot)
    {
        // Threads start looking at different slots, so that they rarely contend for one cache line's instance.
        var start = (int)((uint)Environment.CurrentManagedThreadId % (uint)_pool.Length);
        for (var i = 0; i < _pool.Length; i++)
        {
            slot = start + i < _pool.Length ? start + i : start + i - _pool.Length;
            var aes = Interlocked.Exchange(ref _pool[slot], null);
            if (aes is not null)
            {
                return aes;
            }
        }

        slot = start;
        return new AesGcm(_key, TagSize);
    }

    /// <summary>Gives the instance back to its slot, or to any free one; disposes it when the pool is full.</summary>
    private void Return(AesGcm aes, int slot)
    {
        for (var i = 0; i < _pool.Length; i++)
        {
            var index = slot + i < _pool.Length ? slot + i : slot + i - _pool.Length;
            if (Interlocked.CompareExchange(ref _pool[index], aes, null) is null)
            {
                return;
            }
        }

        aes.Dispose();
    }
}
