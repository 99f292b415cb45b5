using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CookieSession.Signing;

/// <summary>
/// The signature of Node's <c>keygrip</c> package, used by Express's <c>cookie-session</c> through
/// <c>cookies</c>: HMAC (SHA-1 by default) of the data, URL-safe base64 without padding. The first key
/// signs; every key verifies, in constant time.
/// </summary>
internal sealed class KeygripSigner
{
    private readonly byte[][] _keys;
    private readonly HashAlgorithmName _algorithm;
    private readonly int _hashLength;

    public KeygripSigner(IReadOnlyList<string> keys, HashAlgorithmName algorithm)
    {
        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one key is required.", nameof(keys));
        }

        if (!IsSupported(algorithm))
        {
            throw new ArgumentException($"Unsupported HMAC algorithm {algorithm}.", nameof(algorithm));
        }

        _keys = keys.Select(k => Encoding.UTF8.GetBytes(k)).ToArray();
        _algorithm = algorithm;
        _hashLength = HashLength(algorithm);
        SignatureLength = Base64Url.GetEncodedLength(_hashLength);
    }

    /// <summary>The length of a signature, in characters.</summary>
    public int SignatureLength { get; }

    public static bool IsSupported(HashAlgorithmName algorithm) => HashLength(algorithm) > 0;

    /// <summary>Writes the signature of <paramref name="data"/> with the first key as ASCII bytes.</summary>
    public void Sign(ReadOnlySpan<byte> data, Span<byte> signature) => Sign(_keys[0], data, signature);

    /// <summary>Returns the index of the key that signed <paramref name="data"/>, or -1.</summary>
    public int Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength)
        {
            return -1;
        }

        Span<byte> expected = stackalloc byte[SignatureLength];
        for (var i = 0; i < _keys.Length; i++)
        {
            Sign(_keys[i], data, expected);
            if (CryptographicOperations.FixedTimeEquals(expected, signature))
            {
                return i;
            }
        }

        return -1;
    }

    private void Sign(byte[] key, ReadOnlySpan<byte> data, Span<byte> signature)
    {
        Span<byte> hash = stackalloc byte[_hashLength];
        CryptographicOperations.HmacData(_algorithm, key, data, hash);
        Base64Url.EncodeToUtf8(hash, signature);
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
