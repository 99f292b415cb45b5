using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace CookieSession.Formats.Protected;

/// <summary>
/// Data keys through Data Protection's own protector, judged against the library's view of its key ring
/// (<see cref="KeyRingMonitor"/>): a key the store lists as revoked is refused within one reload on every server, a key
/// id the store does not hold is a bad cookie, and a cookie that cannot be judged because the store does not answer is
/// <see cref="SessionCookieRejection.KeyRingUnavailable"/>, never a bad cookie. No request reads the store itself: one
/// that needs a read waits at most <see cref="CookieSessionDefaults.KeyStoreWait"/> for the monitor's.
/// </summary>
internal sealed class KeyRingDataKeyProtector : IDataKeyProtector
{
    private readonly IDataProtector _protector;
    private readonly IPersistedDataProtector _persisted;
    private readonly KeyRingMonitor _monitor;
    private readonly PlainDataKeyProtector _plain;
    private readonly string _cookieName;
    private readonly StoreKeyProtector _store;

    public KeyRingDataKeyProtector(IPersistedDataProtector protector, KeyRingMonitor monitor, string cookieName)
    {
        _protector = protector;
        _persisted = protector;
        _monitor = monitor;
        _plain = new PlainDataKeyProtector(protector);
        _cookieName = cookieName;
        string[] purposes = monitor.ApplicationDiscriminator is { } discriminator
            ? [discriminator, ProtectedCodec.Purpose, cookieName]
            : [ProtectedCodec.Purpose, cookieName];
        _store = new StoreKeyProtector(purposes);
    }

    public object? Generation => _monitor.WatchesAnotherRing ? null : _monitor.Current();

    public byte[] Wrap(byte[] key)
    {
        if (_monitor.View is null)
        {
            // Protecting would read the store on this request, and fail: Data Protection has no ring to protect with.
            throw new CookieSessionUnavailableException(_cookieName);
        }

        if (_monitor.Current() is { } view && _monitor.StoreSealingKey(view) is { } storeKey)
        {
            // Data Protection's cached default key is revoked in the store, or the store has a newer one it has not
            // loaded: seal with the store's, which every server reading the store can open.
            try
            {
                return _store.Protect(storeKey, key);
            }
            catch (CryptographicException)
            {
                // The store's key cannot encrypt here: Data Protection's own default, as before.
            }
        }

        try
        {
            return ProtectOnce(key);
        }
        catch (CryptographicException e) when (IsKeyStoreFailure(e))
        {
            // Data Protection's refresh of an expired cache failed, and this call was the one told; the next call gets
            // the cached ring, whose life it extended.
            try
            {
                return ProtectOnce(key);
            }
            catch (CryptographicException again) when (IsKeyStoreFailure(again))
            {
                throw new CookieSessionUnavailableException(_cookieName, again);
            }
        }
    }

    public SessionCookieRejection Unwrap(byte[] wrapped, out byte[]? key, out bool requiresMigration)
    {
        key = null;
        requiresMigration = false;
        if (_monitor.WatchesAnotherRing)
        {
            return _plain.Unwrap(wrapped, out key, out requiresMigration);
        }

        if (!DataProtectionPayload.HasHeader(wrapped))
        {
            return SessionCookieRejection.Undecryptable;
        }

        var keyId = DataProtectionPayload.KeyIdOf(wrapped);
        var view = _monitor.Current();
        if (view is null || !Knows(view, keyId))
        {
            // Not read yet, or a key this view does not list (made on another server since, or forged): a read of the
            // store decides, waited for at most the bound.
            var answered = _monitor.RequestRead().Wait(CookieSessionDefaults.KeyStoreWait);
            view = _monitor.Current();
            if (view is null)
            {
                return SessionCookieRejection.KeyRingUnavailable;
            }

            if (!Knows(view, keyId))
            {
                // The store did not answer (in time): the cookie may be good. It answered without the key: it is not.
                return answered && _monitor.Error is null ? SessionCookieRejection.Undecryptable : SessionCookieRejection.KeyRingUnavailable;
            }
        }

        if (view.Revoked.Contains(keyId))
        {
            return SessionCookieRejection.RevokedKey;
        }

        if (view.Ring.GetAuthenticatedEncryptorByKeyId(keyId, out _) is null && view.Keys.TryGetValue(keyId, out var storeKey)
            && _monitor.StoreKeysUsable(view))
        {
            // A key the store holds but Data Protection's cached ring does not (created on another server since it
            // loaded): Data Protection would not reload for it before its cache expires.
            try
            {
                key = _store.Unprotect(storeKey, wrapped);
                return SessionCookieRejection.None;
            }
            catch (CryptographicException)
            {
                return SessionCookieRejection.Undecryptable;
            }
        }

        try
        {
            return UnprotectOnce(wrapped, out key, out requiresMigration);
        }
        catch (CryptographicException e) when (IsKeyStoreFailure(e))
        {
            try
            {
                return UnprotectOnce(wrapped, out key, out requiresMigration);
            }
            catch (CryptographicException again) when (IsKeyStoreFailure(again))
            {
                // Something other than cryptography failed twice: the store's answer to a read says whether it was the store.
                var answered = _monitor.RequestRead().Wait(CookieSessionDefaults.KeyStoreWait);
                return answered && _monitor.Error is null ? SessionCookieRejection.Undecryptable : SessionCookieRejection.KeyRingUnavailable;
            }
            catch (CryptographicException)
            {
                return SessionCookieRejection.Undecryptable;
            }
        }
        catch (CryptographicException)
        {
            return SessionCookieRejection.Undecryptable;
        }
    }

    /// <summary>Whether the view lists the key: in Data Protection's ring, or in the store (Data Protection reloads its ring for it).</summary>
    private static bool Knows(KeyRingView view, Guid keyId)
        => view.Known.Contains(keyId) || view.Ring.GetAuthenticatedEncryptorByKeyId(keyId, out _) is not null;

    private byte[] ProtectOnce(byte[] key) => _protector.Protect(key);

    private SessionCookieRejection UnprotectOnce(byte[] wrapped, out byte[]? key, out bool requiresMigration)
    {
        key = _persisted.DangerousUnprotect(wrapped, ignoreRevocationErrors: true, out requiresMigration, out var wasRevoked);
        if (wasRevoked)
        {
            CryptographicOperations.ZeroMemory(key);
            key = null;
            return SessionCookieRejection.RevokedKey;
        }

        return SessionCookieRejection.None;
    }

    /// <summary>
    /// Data Protection wraps what is not a cryptographic failure (the key store's own exception, among others) in a
    /// <see cref="CryptographicException"/>; a payload that fails to decrypt throws one with no such inner exception.
    /// </summary>
    private static bool IsKeyStoreFailure(CryptographicException e)
        => e.InnerException is { } inner && inner is not CryptographicException;
}
