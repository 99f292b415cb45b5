namespace CookieSession.Formats.Protected;

/// <summary>
/// How the Protected format wraps its data keys with Data Protection and unwraps them from cookies (<see cref="DataKeys"/>):
/// through a plain <c>IDataProtector</c> (<see cref="PlainDataKeyProtector"/>), or watching the key ring
/// (<see cref="KeyRingDataKeyProtector"/>), which alone tells a cookie it cannot open now (the key store does not answer)
/// from a bad one.
/// </summary>
internal interface IDataKeyProtector
{
    /// <summary>
    /// What keys and values remembered from a cookie are checked against: a new object whenever a key is added or
    /// revoked. <see langword="null"/> when no change can be seen, and then nothing may be remembered.
    /// </summary>
    object? Generation { get; }

    /// <summary>Protects a new data key, as every cookie sealed with it carries it.</summary>
    /// <exception cref="CookieSessionUnavailableException">The key ring cannot be read.</exception>
    byte[] Wrap(byte[] key);

    /// <summary>
    /// Unprotects a data key a cookie carries into <paramref name="key"/> (which the caller clears after use), or says
    /// why not: <see cref="SessionCookieRejection.KeyRingUnavailable"/> when the cookie may be good but the key ring
    /// cannot be read now.
    /// </summary>
    SessionCookieRejection Unwrap(byte[] wrapped, out byte[]? key, out bool requiresMigration);
}
