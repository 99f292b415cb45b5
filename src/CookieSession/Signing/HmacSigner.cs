using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using CookieSession.Options;

namespace CookieSession.Signing;

/// <summary>
/// HMAC signatures as Node's cookie packages write them, over a list of secrets: the first signs, every one
/// verifies, in constant time. Connect and Express's <c>cookie-signature</c> use HMAC-SHA256 in base64
/// without padding (<see cref="ForCookieSignature"/>); <c>keygrip</c>, behind Express's <c>cookie-session</c>,
/// uses HMAC-SHA1 (or another) in URL-safe base64 without padding (<see cref="ForKeygrip"/>).
/// </summary>
/// <remarks>
/// <para>
/// Each thread keeps its own keyed HMAC per secret and reuses it: keying an HMAC costs as much as hashing a
/// whole session, so re-keying on every request would double the price of each signature.
/// </para>
/// <para>
/// The secrets can be replaced while requests run (<see cref="Replace"/>, on a configuration reload): they are one
/// immutable generation, swapped whole, so that a signature or a check uses one list from start to end.
/// </para>
/// </remarks>
internal sealed class HmacSigner : ISecretsFollower
{
    private readonly HashAlgorithmName _algorithm;
    private readonly bool _urlSafe;
    private readonly int _hashLength;
    private Keys _keys;

    private HmacSigner(IReadOnlyList<string> secrets, HashAlgorithmName algorithm, bool urlSafe)
    {
        _hashLength = HashLength(algorithm);
        if (_hashLength == 0)
        {
            throw new ArgumentException($"Unsupported HMAC algorithm {algorithm}.", nameof(algorithm));
        }

        _algorithm = algorithm;
        _urlSafe = urlSafe;
        SignatureLength = Base64Url.GetEncodedLength(_hashLength);
        _keys = new Keys(secrets, _algorithm);
    }

    /// <summary>The length of a signature, in ASCII characters: 43 for HMAC-SHA256, 27 for HMAC-SHA1.</summary>
    public int SignatureLength { get; }

    /// <summary><c>cookie-signature</c>'s: HMAC-SHA256, base64 without <c>=</c> padding. Never change it.</summary>
    public static HmacSigner ForCookieSignature(IReadOnlyList<string> secrets) => new(secrets, HashAlgorithmName.SHA256, urlSafe: false);

    /// <summary><c>keygrip</c>'s: the given HMAC, URL-safe base64 without padding. Never change it.</summary>
    public static HmacSigner ForKeygrip(IReadOnlyList<string> secrets, HashAlgorithmName algorithm) => new(secrets, algorithm, urlSafe: true);

    public static bool IsSupported(HashAlgorithmName algorithm) => HashLength(algorithm) > 0;

    /// <summary>
    /// The secrets in force, as an identity for what was verified under them (the cache of verified values). Read it
    /// before signing or verifying: what is signed or verified afterwards uses this generation or a newer one.
    /// </summary>
    public object Generation => Volatile.Read(ref _keys);

    /// <summary>
    /// Puts <paramref name="secrets"/> in force from the next signature or check on: the first signs, every one
    /// verifies, and a secret no longer listed verifies nothing.
    /// </summary>
    public void Replace(IReadOnlyList<string> secrets) => Volatile.Write(ref _keys, new Keys(secrets, _algorithm));

    /// <summary>Writes the signature of <paramref name="data"/> with the first secret, as ASCII bytes.</summary>
    public void Sign(ReadOnlySpan<byte> data, Span<byte> signature) => Sign(Volatile.Read(ref _keys), 0, data, signature);

    /// <summary>Returns the index of the secret that signed <paramref name="data"/>, or -1.</summary>
    public int Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength)
        {
            return -1;
        }

        var keys = Volatile.Read(ref _keys);
        Span<byte> expected = stackalloc byte[SignatureLength];
        for (var i = 0; i < keys.Hmacs.Count; i++)
        {
            Sign(keys, i, data, expected);
            if (ConstantTime.Equals(expected, signature))
            {
                return i;
            }
        }

        return -1;
    }

    private void Sign(Keys keys, int keyIndex, ReadOnlySpan<byte> data, Span<byte> signature)
    {
        Span<byte> hash = stackalloc byte[_hashLength];
        keys.Hmacs.Compute(keyIndex, data, hash);

        if (_urlSafe)
        {
            Base64Url.EncodeToUtf8(hash, signature);
            return;
        }

        // Standard base64, then the '=' padding dropped, as cookie-signature does.
        Span<byte> encoded = stackalloc byte[Base64.GetMaxEncodedToUtf8Length(_hashLength)];
        Base64.EncodeToUtf8(hash, encoded, out _, out _);
        encoded[..SignatureLength].CopyTo(signature);
    }

    private static int HashLength(HashAlgorithmName algorithm)
    {
        if (algorithm == HashAlgorithmName.SHA1)
        {
            return 20;
        }

        if (algorithm == HashAlgorithmName.SHA256)
        {
            return 32;
        }

        if (algorithm == HashAlgorithmName.SHA384)
        {
            return 48;
        }

        return algorithm == HashAlgorithmName.SHA512 ? 64 : 0;
    }

    /// <summary>One generation of secrets, never changed: the HMACs keyed with them.</summary>
    private sealed class Keys
    {
        public Keys(IReadOnlyList<string> secrets, HashAlgorithmName algorithm)
        {
            if (secrets.Count == 0)
            {
                throw new ArgumentException("At least one secret is required.", nameof(secrets));
            }

            Hmacs = new KeyedHmacs(algorithm, secrets.Select(s => Encoding.UTF8.GetBytes(s)).ToArray());
        }

        public KeyedHmacs Hmacs { get; }
    }
}
