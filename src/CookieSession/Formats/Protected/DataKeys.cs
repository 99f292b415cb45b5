using System.Security.Cryptography;

namespace CookieSession.Formats.Protected;

/// <summary>
/// The data keys of the Protected format: envelope encryption over Data Protection. Each process seals with a random
/// AES-GCM key of its own, which Data Protection protects (under the format's purposes) and every cookie carries; any
/// server of the application unwraps it with the shared key ring once, then opens every cookie sealed with it at the
/// cost of one AES-GCM. Data Protection stays the root of trust: a key it does not unprotect (another application or
/// cookie name, an unknown or revoked key) opens nothing.
/// </summary>
/// <remarks>
/// A new data key is made when the key ring changes (a new key, a revocation: <see cref="IDataKeyProtector.Generation"/>),
/// and after <see cref="DataKey.MaxUses"/> seals. Unwrapped keys are remembered only while the generation they were
/// unwrapped under is current, so rotation and revocation apply as soon as the change is seen. Without a key ring to
/// watch (<see cref="PlainDataKeyProtector"/>), nothing is remembered: each seal wraps a new key, each open unwraps it.
/// </remarks>
internal sealed class DataKeys
{
    private const int Remembered = 16;

    /// <summary>The longest wrapped key read: a wrapped 32-byte key is 96 to 132 bytes with Data Protection's algorithms.</summary>
    private const int MaxWrappedLength = 512;

    private readonly IDataKeyProtector _protector;
    private readonly DataKey?[] _unwrapped = new DataKey?[Remembered];
    private DataKey? _current;
    private int _next;

    public DataKeys(IDataKeyProtector protector)
    {
        _protector = protector;
    }

    /// <summary>The generation of the key ring that cached keys and values are checked against.</summary>
    public object? Generation => _protector.Generation;

    /// <summary>The key to seal with now.</summary>
    public DataKey ForSealing()
    {
        var generation = Generation;
        var current = Volatile.Read(ref _current);
        if (current is not null && generation is not null && ReferenceEquals(current.Generation, generation) && current.TryReserve())
        {
            return current;
        }

        Span<byte> key = stackalloc byte[DataKey.KeySize];
        RandomNumberGenerator.Fill(key);
        try
        {
            var copy = key.ToArray();
            var created = new DataKey(key, _protector.Wrap(copy), generation, requiresMigration: false);
            CryptographicOperations.ZeroMemory(copy);
            created.TryReserve();
            if (generation is not null)
            {
                Volatile.Write(ref _current, created);
                Remember(created);
            }

            return created;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Unwraps the key a cookie carries, or says why it cannot be.</summary>
    public SessionCookieRejection TryUnwrap(ReadOnlySpan<byte> wrapped, out DataKey? key)
    {
        key = null;
        if (wrapped.Length is < DataProtectionPayload.HeaderLength or > MaxWrappedLength)
        {
            return SessionCookieRejection.Undecryptable;
        }

        var generation = Generation;
        if (generation is not null)
        {
            foreach (var known in _unwrapped)
            {
                if (known is not null && ReferenceEquals(known.Generation, generation) && wrapped.SequenceEqual(known.Wrapped))
                {
                    key = known;
                    return SessionCookieRejection.None;
                }
            }
        }

        var copy = wrapped.ToArray();
        var rejection = _protector.Unwrap(copy, out var raw, out var requiresMigration);
        if (rejection != SessionCookieRejection.None)
        {
            return rejection;
        }

        try
        {
            if (raw!.Length != DataKey.KeySize)
            {
                return SessionCookieRejection.Undecryptable;
            }

            key = new DataKey(raw, copy, generation, requiresMigration);
            if (generation is not null)
            {
                Remember(key);
            }

            return SessionCookieRejection.None;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    private void Remember(DataKey key)
    {
        var slot = (Interlocked.Increment(ref _next) & int.MaxValue) % Remembered;
        Volatile.Write(ref _unwrapped[slot], key);
    }
}
