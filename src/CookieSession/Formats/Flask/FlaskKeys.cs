using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using CookieSession.Options;
using CookieSession.Signing;

namespace CookieSession.Formats.Flask;

/// <summary>
/// The signing keys of Flask's session for one list of secrets, newest first: itsdangerous's <c>"hmac"</c> key
/// derivation, HMAC-SHA1 of the salt under the secret key (its UTF-8), as <c>SecureCookieSessionInterface</c> configures
/// it. The newest signs; every one verifies, as Flask 3.1 verifies with <c>SECRET_KEY_FALLBACKS</c>. Never changed once
/// made: a reload makes new keys (<see cref="Ring"/>).
/// </summary>
internal sealed class FlaskKeys
{
    /// <summary>The salt of Flask's session signer (<c>SecureCookieSessionInterface.salt</c>). Part of the wire format: never change it.</summary>
    public const string Salt = "cookie-session";

    /// <summary>The length of an HMAC-SHA1, the signature's digest.</summary>
    public const int SignatureBytes = 20;

    /// <summary>The signature's URL-safe base64 without padding.</summary>
    public const int SignatureLength = 27;

    private readonly KeyedHmacs _hmacs;

    public FlaskKeys(IReadOnlyList<string> secrets)
    {
        if (secrets.Count == 0)
        {
            throw new ArgumentException("Flask's session needs at least one secret key.", nameof(secrets));
        }

        var keys = new byte[secrets.Count][];
        var salt = Encoding.UTF8.GetBytes(Salt);
        for (var i = 0; i < secrets.Count; i++)
        {
            keys[i] = HMACSHA1.HashData(Encoding.UTF8.GetBytes(secrets[i]), salt);
        }

        _hmacs = new KeyedHmacs(HashAlgorithmName.SHA1, keys);
    }

    /// <summary>The keys of <paramref name="secrets"/>, replaced by a reload's when given to <see cref="SecretsReload.Follow{T}"/>.</summary>
    public static SecretKeyRing<FlaskKeys> Ring(IReadOnlyList<string> secrets) => new(secrets, s => new FlaskKeys(s));

    /// <summary>Writes the signature of <paramref name="signed"/> under the newest key, in URL-safe base64 (27 bytes).</summary>
    public void Sign(ReadOnlySpan<byte> signed, Span<byte> signature)
    {
        Span<byte> hash = stackalloc byte[SignatureBytes];
        _hmacs.Compute(0, signed, hash);
        Base64Url.EncodeToUtf8(hash, signature);
    }

    /// <summary>
    /// The index of the key whose signature <paramref name="signature"/> (its URL-safe base64) is, 0 for the newest;
    /// -1 when it is none of theirs or does not decode to a SHA-1's length.
    /// </summary>
    public int Verify(ReadOnlySpan<byte> signed, ReadOnlySpan<char> signature)
    {
        Span<byte> given = stackalloc byte[SignatureBytes + 3];
        if (signature.Length != SignatureLength
            || Base64Url.DecodeFromChars(signature, given, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != SignatureBytes)
        {
            return -1;
        }

        Span<byte> expected = stackalloc byte[SignatureBytes];
        for (var i = 0; i < _hmacs.Count; i++)
        {
            _hmacs.Compute(i, signed, expected);
            if (ConstantTime.Equals(expected, given[..SignatureBytes]))
            {
                return i;
            }
        }

        return -1;
    }

}
