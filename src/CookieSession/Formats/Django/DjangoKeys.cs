using System.Security.Cryptography;
using System.Text;
using CookieSession.Options;
using CookieSession.Signing;

namespace CookieSession.Formats.Django;

/// <summary>
/// The HMAC-SHA256 keys of Django's session signer for one list of secrets, one per <c>SECRET_KEY</c>, newest first (as
/// <c>SECRET_KEY_FALLBACKS</c> is read after <c>SECRET_KEY</c>): <c>salted_hmac</c>'s derivation, the SHA-256 of the key
/// salt (the backend's salt and <c>"signer"</c>) followed by the secret's UTF-8. Never changed once made: a reload
/// makes new keys (<see cref="Ring"/>).
/// </summary>
internal sealed class DjangoKeys
{
    /// <summary>
    /// The salt of <c>django.contrib.sessions.backends.signed_cookies</c>: part of the wire format shared with Django,
    /// never change it.
    /// </summary>
    public const string Salt = "django.contrib.sessions.backends.signed_cookies";

    /// <summary><c>Signer.signature</c> appends this to the salt before deriving the key; never change it.</summary>
    private const string SignerSuffix = "signer";

    /// <summary>The length of a signature as Django writes it: URL-safe base64 of 32 bytes, without padding.</summary>
    public const int SignatureLength = 43;

    private readonly KeyedHmacs _hmacs;

    public DjangoKeys(IReadOnlyList<string> secrets)
    {
        if (secrets.Count == 0)
        {
            throw new ArgumentException("The Django format needs at least one SECRET_KEY.", nameof(secrets));
        }

        var keys = new byte[secrets.Count][];
        for (var i = 0; i < secrets.Count; i++)
        {
            keys[i] = SHA256.HashData(Encoding.UTF8.GetBytes(Salt + SignerSuffix + secrets[i]));
        }

        _hmacs = new KeyedHmacs(HashAlgorithmName.SHA256, keys);
    }

    public int Count => _hmacs.Count;

    /// <summary>The keys of <paramref name="secrets"/>, replaced by a reload's when given to <see cref="SecretsReload.Follow{T}"/>.</summary>
    public static SecretKeyRing<DjangoKeys> Ring(IReadOnlyList<string> secrets) => new(secrets, s => new DjangoKeys(s));

    /// <summary>Writes the signature of <paramref name="signed"/> (ASCII) under key <paramref name="index"/>, as Django's text.</summary>
    public void Sign(ReadOnlySpan<byte> signed, int index, Span<byte> signature)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        _hmacs.Compute(index, signed, mac);
        System.Buffers.Text.Base64Url.EncodeToUtf8(mac, signature);
    }
}
