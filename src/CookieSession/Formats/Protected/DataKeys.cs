using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;

namespace CookieSession.Formats.Protected;

/// <summary>
/// The data keys of the Protected format: envelope encryption over Data Protection. Each process seals with a random
/// AES-GCM key of its own, which Data Protection protects (under the format's purposes) and every cookie carries; any
/// server of the application unwraps it with the shared key ring once, then opens every cookie sealed with it at the
/// cost of one AES-GCM. Data Protection stays the root of trust: a key it does not unprotect (another application or
/// cookie name, an unknown or revoked key) opens nothing.
/// </summary>
/// <remarks>
/// A new data key is made when the Data Protection key ring reloads (a new default key, a revocation), and after
/// <see cref="DataKey.MaxUses"/> seals. Unwrapped keys are remembered only while the ring they were unwrapped under is
/// current, so rotation and revocation apply as soon as the ring reloads. Without a key ring to watch (a provider
/// other than Data Protection's own), nothing is remembered: each seal wraps a new key, each open unwraps it.
/// </remarks>
internal sealed class DataKeys
{
    private const int Remembered = 16;

    private readonly IDataProtector _protector;
    private readonly IPersistedDataProtector? _persisted;
    private readonly IKeyRingProvider? _keyRings;
    private readonly DataKey?[] _unwrapped = new DataKey?[Remembered];
    private DataKey? _current;
    private int _next;

    public DataKeys(IDataProtector protector, IKeyRingProvider? keyRings)
    {
        _protector = protector;
        _persisted = protector as IPersistedDataProtector;
        _keyRings = keyRings;
    }

    /// <summary>The current key ring, the generation that cached keys and values are checked against.</summary>
    public object? Generation => _keyRings?.GetCurrentKeyRing();

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
            var created = new DataKey(key, _protector.Protect(key.ToArray()), generation, requiresMigration: false);
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

        key = null;
        byte[] raw;
        var requiresMigration = false;
        var copy = wrapped.ToArray();
        try
        {
            if (_persisted is not null)
            {
                raw = _persisted.DangerousUnprotect(copy, ignoreRevocationErrors: true, out requiresMigration, out var wasRevoked);
                if (wasRevoked)
                {
                    return SessionCookieRejection.RevokedKey;
                }
            }
            else
            {
                raw = _protector.Unprotect(copy);
            }
        }
        catch (CryptographicException)
        {
            return SessionCookieRejection.Undecryptable;
        }

        try
        {
            if (raw.Length != DataKey.KeySize)
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
