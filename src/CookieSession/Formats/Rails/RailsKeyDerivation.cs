using System.Security.Cryptography;
using System.Text;
using CookieSession.Crypto;
using CookieSession.Options;

namespace CookieSession.Formats.Rails;

/// <summary>
/// The AES-256-GCM keys of Rails' encrypted cookies, derived from <c>secret_key_base</c> as
/// <c>Rails.application.key_generator</c> derives them: PBKDF2 over the secret's UTF-8 bytes with the salt
/// <c>authenticated encrypted cookie</c>, 1000 iterations, 32 bytes. The first key encrypts; every one decrypts,
/// as Rails' cookie rotations do: each secret (newest first) under the writing digest, then under each readable one.
/// Derived once for a list of secrets, never changed: a reload derives new keys off the request path (<see cref="Ring"/>),
/// as PBKDF2's iterations cost far more than a request.
/// </summary>
/// <remarks>
/// Each thread keeps its own AES-GCM instance per key and reuses it: setting one up costs as much as sealing a session.
/// </remarks>
internal sealed class RailsKeyDerivation
{
    /// <summary>Rails' <c>action_dispatch.authenticated_encrypted_cookie_salt</c> default. Part of the wire format: never change it.</summary>
    public const string Salt = "authenticated encrypted cookie";

    /// <summary>The iterations of <c>Rails.application.key_generator</c>. Part of the wire format: never change it.</summary>
    public const int Iterations = 1000;

    /// <summary>AES-256's key size, <c>MessageEncryptor.key_len("aes-256-gcm")</c>.</summary>
    public const int KeySize = 32;

    private readonly byte[][] _keys;
    private readonly ThreadLocal<GcmCipher?[]> _ciphers;

    public RailsKeyDerivation(IReadOnlyList<string> secrets, HashAlgorithmName digest, IEnumerable<HashAlgorithmName> readableDigests)
    {
        ArgumentOutOfRangeException.ThrowIfZero(secrets.Count);
        var digests = new List<HashAlgorithmName> { digest };
        foreach (var readable in readableDigests)
        {
            if (!digests.Contains(readable))
            {
                digests.Add(readable);
            }
        }

        var salt = Encoding.UTF8.GetBytes(Salt);
        _keys = new byte[secrets.Count * digests.Count][];
        var index = 0;
        foreach (var secret in secrets)
        {
            foreach (var algorithm in digests)
            {
                _keys[index++] = DeriveKey(secret, salt, algorithm);
            }
        }

        _ciphers = new ThreadLocal<GcmCipher?[]>(() => new GcmCipher?[_keys.Length]);
    }

    /// <summary>The keys of <paramref name="secrets"/>, derived again for a reload's when given to <see cref="SecretsReload.Follow{T}"/>.</summary>
    public static SecretKeyRing<RailsKeyDerivation> Ring(IReadOnlyList<string> secrets, HashAlgorithmName digest, IEnumerable<HashAlgorithmName> readableDigests)
    {
        var readable = readableDigests.ToArray();
        return new(secrets, s => new RailsKeyDerivation(s, digest, readable));
    }

    /// <summary>The key that encrypts: the newest secret under the writing digest.</summary>
    public byte[] WritingKey => _keys[0];

    /// <summary>Every key that decrypts, the writing key first; a cookie opened by any other is written again.</summary>
    public ReadOnlySpan<byte[]> ReadingKeys => _keys;

    /// <summary>This thread's AES-256-GCM under key <paramref name="index"/> of <see cref="ReadingKeys"/> (0 encrypts), for this thread only.</summary>
    public GcmCipher CipherOf(int index)
    {
        var ciphers = _ciphers.Value!;
        return ciphers[index] ??= new GcmCipher(_keys[index]);
    }

    /// <summary>Whether PBKDF2 can use this digest for a key (SHA-1, SHA-256, SHA-384 and SHA-512).</summary>
    public static bool IsSupported(HashAlgorithmName digest)
        => digest == HashAlgorithmName.SHA1 || digest == HashAlgorithmName.SHA256
            || digest == HashAlgorithmName.SHA384 || digest == HashAlgorithmName.SHA512;

    private static byte[] DeriveKey(string secret, byte[] salt, HashAlgorithmName digest)
        => Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, Iterations, digest, KeySize);
}
