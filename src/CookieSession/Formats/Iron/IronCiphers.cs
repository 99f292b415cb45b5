using System.Security.Cryptography;

namespace CookieSession.Formats.Iron;

/// <summary>
/// The AES-256-CBC and HMAC-SHA256 of a seal, each kept keyed on its thread for the key it last used: seals made
/// under one pair of salts (<see cref="IronKeys"/>) share their keys, so a seal costs its cipher and its MAC rather
/// than setting up both. Keying either is as dear as using it (OpenSSL looks the algorithm up and copies the key
/// schedule each time), and the one-shot <c>HMACSHA256.HashData</c> keys anew on every call.
/// </summary>
/// <remarks>
/// Keys are told apart by reference: <see cref="IronKeys"/> hands out one array per salt and never writes to it
/// again. A key seen once (a client's own salts) replaces the kept instance, and costs what it costs without this.
/// </remarks>
internal static class IronCiphers
{
    [ThreadStatic]
    private static byte[]? t_macKey;

    [ThreadStatic]
    private static IncrementalHash? t_mac;

    [ThreadStatic]
    private static byte[]? t_aesKey;

    [ThreadStatic]
    private static Aes? t_aes;

    /// <summary>HMAC-SHA256 of <paramref name="data"/> under <paramref name="key"/>, into 32 bytes of <paramref name="hash"/>.</summary>
    public static void Mac(byte[] key, ReadOnlySpan<byte> data, Span<byte> hash)
    {
        var mac = t_mac;
        if (mac is null || !ReferenceEquals(t_macKey, key))
        {
            mac?.Dispose();
            t_mac = mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            t_macKey = key;
        }

        mac.AppendData(data);
        mac.GetHashAndReset(hash);
    }

    /// <summary>AES-256-CBC with PKCS#7 padding: the length written to <paramref name="destination"/>.</summary>
    public static int Encrypt(byte[] key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> iv, Span<byte> destination)
        => For(key).EncryptCbc(plaintext, iv, destination, PaddingMode.PKCS7);

    /// <summary>Reverses <see cref="Encrypt"/>.</summary>
    /// <exception cref="CryptographicException">The padding is wrong: not this key, or not a ciphertext.</exception>
    public static int Decrypt(byte[] key, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> iv, Span<byte> destination)
        => For(key).DecryptCbc(ciphertext, iv, destination, PaddingMode.PKCS7);

    /// <summary>The length of the ciphertext of a plaintext of this length: padded to the next whole block.</summary>
    public static int CiphertextLength(int plaintextLength) => ((plaintextLength / 16) + 1) * 16;

    private static Aes For(byte[] key)
    {
        var aes = t_aes;
        if (aes is null || !ReferenceEquals(t_aesKey, key))
        {
            aes?.Dispose();
            t_aes = aes = Aes.Create();
            aes.Key = key;
            t_aesKey = key;
        }

        return aes;
    }
}
