using System.Security.Cryptography;

namespace CookieSession.Formats.Protected;

/// <summary>
/// A 256-bit AES-GCM key that seals sessions, travelling in each cookie wrapped by Data Protection
/// (<see cref="Wrapped"/>). Used for at most <see cref="MaxUses"/> seals, so that random 96-bit nonces never repeat
/// in practice (NIST SP 800-38D's bound for random nonces is 2^32).
/// </summary>
internal sealed class DataKey
{
    /// <summary>The most seals one key makes: 2^24, far under the 2^32 that random nonces allow.</summary>
    public const long MaxUses = 1L << 24;

    public const int KeySize = 32;

    public const int NonceSize = 12;

    public const int TagSize = 16;

    private readonly AesGcm _aes;
    private readonly Lock _lock = new();
    private long _uses;

    public DataKey(ReadOnlySpan<byte> key, byte[] wrapped, object? generation, bool requiresMigration)
    {
        _aes = new AesGcm(key, TagSize);
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
        lock (_lock)
        {
            _aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        }
    }

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        try
        {
            lock (_lock)
            {
                _aes.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
            }

            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }
}
