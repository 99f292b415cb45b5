using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace CookieSession.Formats.Protected;

/// <summary>
/// Data keys through any <see cref="IDataProtector"/>, with no view of its key ring: a failure to unprotect is a bad
/// cookie, whether the cookie was bad or the key store did not answer (the two cannot be told apart here), and nothing
/// unwrapped is remembered, since a revocation would go unseen.
/// </summary>
internal sealed class PlainDataKeyProtector(IDataProtector protector) : IDataKeyProtector
{
    private readonly IPersistedDataProtector? _persisted = protector as IPersistedDataProtector;

    public object? Generation => null;

    public byte[] Wrap(byte[] key) => protector.Protect(key);

    public SessionCookieRejection Unwrap(byte[] wrapped, out byte[]? key, out bool requiresMigration)
    {
        key = null;
        requiresMigration = false;
        try
        {
            if (_persisted is null)
            {
                key = protector.Unprotect(wrapped);
                return SessionCookieRejection.None;
            }

            // Data Protection's own protectors say whether the key was revoked, or is no longer the default.
            key = _persisted.DangerousUnprotect(wrapped, ignoreRevocationErrors: true, out requiresMigration, out var wasRevoked);
            if (wasRevoked)
            {
                CryptographicOperations.ZeroMemory(key);
                key = null;
                return SessionCookieRejection.RevokedKey;
            }

            return SessionCookieRejection.None;
        }
        catch (CryptographicException)
        {
            return SessionCookieRejection.Undecryptable;
        }
    }
}
