using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CookieSession.Signing;

/// <summary>
/// The signature of Node's <c>cookie-signature</c> package, used by Connect and Express:
/// <c>value + "." + base64(HMAC-SHA256(secret, value))</c> without the <c>=</c> padding. The first secret
/// signs; every secret verifies, in constant time.
/// </summary>
internal sealed class CookieSigner
{
    /// <summary>The length of the signature text: 32 bytes of HMAC in unpadded base64. Never changes.</summary>
    public const int SignatureLength = 43;

    private const int HashLength = 32;

    private readonly byte[][] _keys;

    public CookieSigner(IReadOnlyList<string> secrets)
    {
        if (secrets.Count == 0)
        {
            throw new ArgumentException("At least one secret is required.", nameof(secrets));
        }

        _keys = new byte[secrets.Count][];
        for (var i = 0; i < secrets.Count; i++)
        {
            _keys[i] = Encoding.UTF8.GetBytes(secrets[i]);
        }
    }

    public int KeyCount => _keys.Length;

    /// <summary>Writes the signature of <paramref name="value"/> with the first secret: 43 ASCII bytes.</summary>
    public void Sign(ReadOnlySpan<byte> value, Span<byte> signature) => Sign(_keys[0], value, signature);

    /// <summary>
    /// Verifies <paramref name="signature"/> over <paramref name="value"/> with each secret in turn.
    /// Returns the index of the secret that signed it, or -1.
    /// </summary>
    public int Verify(ReadOnlySpan<byte> value, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength)
        {
            return -1;
        }

        Span<byte> expected = stackalloc byte[SignatureLength];
        for (var i = 0; i < _keys.Length; i++)
        {
            Sign(_keys[i], value, expected);
            if (CryptographicOperations.FixedTimeEquals(expected, signature))
            {
                return i;
            }
        }

        return -1;
    }

    private static void Sign(byte[] key, ReadOnlySpan<byte> value, Span<byte> signature)
    {
        Span<byte> hash = stackalloc byte[HashLength];
        HMACSHA256.HashData(key, value, hash);

        // 32 bytes encode to 44 characters, the last of which is one '=' of padding.
        Span<byte> encoded = stackalloc byte[SignatureLength + 1];
        Base64.EncodeToUtf8(hash, encoded, out _, out _);
        encoded[..SignatureLength].CopyTo(signature);
    }
}
