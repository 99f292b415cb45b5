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

    /// <summary>The magic header of Data Protection's payloads, before the 16-byte key id.</summary>
    private const uint DataProtectionMagic = 0x09F0C9F0;

    /// <summary>The longest wrapped key read: a wrapped 32-byte key is 96 to 132 bytes with Data Protection's algorithms.</summary>
    private const int MaxWrappedLength = 512;

    /// <summary>How often a cookie naming a key the ring does not know may make Data Protection reload the ring.</summary>
    private static readonly TimeSpan UnknownKeyInterval = TimeSpan.FromSeconds(1);

    private readonly IDataProtector _protector;
    private readonly IPersistedDataProtector? _persisted;
    private readonly IKeyRingProvider? _keyRings;
    private readonly DataKey?[] _unwrapped = new DataKey?[Remembered];
    private DataKey? _current;
    private int _next;
    private long _lastUnknownKey;

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
            var copy = key.ToArray();
            var created = new DataKey(key, _protector.Protect(copy), generation, requiresMigration: false);
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

    /// <summary>
    /// Whether <paramref name="provider"/> protects with the default key of <paramref name="keyRings"/>'s ring, so that
    /// watching that ring sees the provider's rotations and revocations (not so for an ephemeral provider, or one made
    /// by <c>DataProtectionProvider.Create</c> or in another container).
    /// </summary>
    public static bool ProtectsWithRingOf(IDataProtectionProvider provider, IKeyRingProvider keyRings)
    {
        var probe = provider.CreateProtector("CookieSession.Protected.v1", "key ring probe").Protect(new byte[1]);
        return probe.Length >= 20
            && System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(probe) == DataProtectionMagic
            && new Guid(probe.AsSpan(4, 16)) == keyRings.GetCurrentKeyRing().DefaultKeyId;
    }

    /// <summary>Unwraps the key a cookie carries, or says why it cannot be.</summary>
    public SessionCookieRejection TryUnwrap(ReadOnlySpan<byte> wrapped, out DataKey? key)
    {
        key = null;
        if (wrapped.Length is < 20 or > MaxWrappedLength || System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(wrapped) != DataProtectionMagic)
        {
            return SessionCookieRejection.Undecryptable;
        }

        var generation = Generation;
        if (generation is IKeyRing ring && ring.GetAuthenticatedEncryptorByKeyId(new Guid(wrapped.Slice(4, 16)), out _) is null)
        {
            // A key this server's ring does not know: Data Protection would reload the ring from its repository to
            // look for it. A key made on another server that this one has not seen yet is worth that; a forged id
            // on every request is not, so it happens at most once a second.
            var now = Environment.TickCount64;
            var last = Interlocked.Read(ref _lastUnknownKey);
            if (now - last < UnknownKeyInterval.TotalMilliseconds || Interlocked.CompareExchange(ref _lastUnknownKey, now, last) != last)
            {
                return SessionCookieRejection.Undecryptable;
            }
        }

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
                    CryptographicOperations.ZeroMemory(raw);
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
