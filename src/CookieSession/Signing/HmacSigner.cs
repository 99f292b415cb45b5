using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CookieSession.Signing;

/// <summary>
/// HMAC signatures as Node's cookie packages write them, over a list of secrets: the first signs, every one
/// verifies, in constant time. Connect and Express's <c>cookie-signature</c> use HMAC-SHA256 in base64
/// without padding (<see cref="ForCookieSignature"/>); <c>keygrip</c>, behind Express's <c>cookie-session</c>,
/// uses HMAC-SHA1 (or another) in URL-safe base64 without padding (<see cref="ForKeygrip"/>).
/// </summary>
/// <remarks>
/// Each thread keeps its own keyed HMAC per secret and reuses it: keying an HMAC costs as much as hashing a
/// whole session, so re-keying on every request would double the price of each signature.
/// </remarks>
internal sealed class HmacSigner
{
    private readonly byte[][] _keys;
    private readonly HashAlgorithmName _algorithm;
    private readonly bool _urlSafe;
    private readonly int _hashLength;
    private readonly ThreadLocal<IncrementalHash?[]> _hashes;

    private HmacSigner(IReadOnlyList<string> secrets, HashAlgorithmName algorithm, bool urlSafe)
    {
        if (secrets.Count == 0)
        {
            throw new ArgumentException("At least one secret is required.", nameof(secrets));
        }

        _hashLength = HashLength(algorithm);
        if (_hashLength == 0)
        {
            throw new ArgumentException($"Unsupported HMAC algorithm {algorithm}.", nameof(algorithm));
        }

        _keys = secrets.Select(s => Encoding.UTF8.GetBytes(s)).ToArray();
        _algorithm = algorithm;
        _urlSafe = urlSafe;
        SignatureLength = Base64Url.GetEncodedLength(_hashLength);
        _hashes = new ThreadLocal<IncrementalHash?[]>(() => new IncrementalHash?[_keys.Length]);
    }

    /// <summary>The length of a signature, in ASCII characters: 43 for HMAC-SHA256, 27 for HMAC-SHA1.</summary>
    public int SignatureLength { get; }

    /// <summary><c>cookie-signature</c>'s: HMAC-SHA256, base64 without <c>=</c> padding. Never change it.</summary>
    public static HmacSigner ForCookieSignature(IReadOnlyList<string> secrets) => new(secrets, HashAlgorithmName.SHA256, urlSafe: false);

    /// <summary><c>keygrip</c>'s: the given HMAC, URL-safe base64 without padding. Never change it.</summary>
    public static HmacSigner ForKeygrip(IReadOnlyList<string> secrets, HashAlgorithmName algorithm) => new(secrets, algorithm, urlSafe: true);

    public static bool IsSupported(HashAlgorithmName algorithm) => HashLength(algorithm) > 0;

    /// <summary>Writes the signature of <paramref name="data"/> with the first secret, as ASCII bytes.</summary>
    public void Sign(ReadOnlySpan<byte> data, Span<byte> signature) => Sign(0, data, signature);

    /// <summary>Returns the index of the secret that signed <paramref name="data"/>, or -1.</summary>
    public int Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength)
        {
            return -1;
        }

        Span<byte> expected = stackalloc byte[SignatureLength];
        for (var i = 0; i < _keys.Length; i++)
        {
            Sign(i, data, expected);
            if (ConstantTime.Equals(expected, signature))
            {
                return i;
            }
        }

        return -1;
    }

    private void Sign(int keyIndex, ReadOnlySpan<byte> data, Span<byte> signature)
    {
        var hashes = _hashes.Value!;
        var hmac = hashes[keyIndex] ??= IncrementalHash.CreateHMAC(_algorithm, _keys[keyIndex]);
        Span<byte> hash = stackalloc byte[_hashLength];
        hmac.AppendData(data);
        hmac.GetHashAndReset(hash);

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
}
