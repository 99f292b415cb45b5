using System.Buffers;
using System.Security.Cryptography;
using CookieSession.Crypto;

namespace CookieSession.Formats.Iron;

/// <summary>
/// The AES-256-CBC and HMAC-SHA256 of a seal, each kept keyed on its thread for the keys it last used: seals made
/// under one pair of salts (<see cref="IronKeys"/>) share their keys, so a seal costs its cipher and its MAC rather
/// than setting up both. Keying either is as dear as using it (OpenSSL looks the algorithm up and copies the key
/// schedule each time), and the one-shot <c>HMACSHA256.HashData</c> keys anew on every call.
/// </summary>
/// <remarks>
/// Keys are told apart by reference: <see cref="IronKeys"/> hands out one array per salt and never writes to it
/// again. A key seen once (a client's own salts) takes the place of a kept one, and costs what it costs without this.
/// Where OpenSSL's SHA-256 is called directly (<see cref="OpenSslSha"/>), the MAC keeps the hashed pads of the thread's
/// last two keys rather than a .NET HMAC: a thread holds them, as it held the one before, until other keys replace them.
/// </remarks>
internal static class IronCiphers
{
    [ThreadStatic]
    private static byte[]? t_macKey;

    [ThreadStatic]
    private static IncrementalHash? t_mac;

    /// <summary>The MAC key's hashed pads, where OpenSSL's SHA-256 is called directly (<see cref="OpenSslSha"/>), and their key.</summary>
    [ThreadStatic]
    private static HmacPads? t_pads;

    [ThreadStatic]
    private static byte[]? t_padsKey;

    /// <summary>The pads used before <see cref="t_pads"/>, and their key: a read under an older pair of salts and a write under the current one take turns.</summary>
    [ThreadStatic]
    private static HmacPads? t_olderPads;

    [ThreadStatic]
    private static byte[]? t_olderPadsKey;

    [ThreadStatic]
    private static byte[]? t_aesKey;

    [ThreadStatic]
    private static Aes? t_aes;

    [ThreadStatic]
    private static byte[]? t_encryptorKey;

    [ThreadStatic]
    private static ICryptoTransform? t_encryptor;

    /// <summary>The thread's contexts for OpenSSL's AES-256-CBC (<see cref="OpenSslCbc"/>), each kept keyed with its last key.</summary>
    [ThreadStatic]
    private static OpenSslCbc.Context? t_cbc;

    /// <summary>The last ciphertext block the thread's encryptor wrote, which it chains the next block to.</summary>
    [ThreadStatic]
    private static byte[]? t_chain;

    /// <summary>AES's block: an IV's length, and the most that PKCS#7 padding adds.</summary>
    public const int BlockSize = OpenSslCbc.BlockBytes;

    /// <summary>HMAC-SHA256 of <paramref name="data"/> under <paramref name="key"/>, into 32 bytes of <paramref name="hash"/>.</summary>
    public static void Mac(byte[] key, ReadOnlySpan<byte> data, Span<byte> hash) => Mac(key, data, hash, OpenSslSha.For(HashAlgorithmName.SHA256));

    /// <summary>As <see cref="Mac(byte[], ReadOnlySpan{byte}, Span{byte})"/>, through OpenSSL's SHA-256 or, with <paramref name="sha"/> none, through .NET's HMAC.</summary>
    internal static void Mac(byte[] key, ReadOnlySpan<byte> data, Span<byte> hash, OpenSslSha.Sha? sha)
    {
        if (sha is not null)
        {
            PadsFor(sha, key).Compute(data, hash);
            return;
        }

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

    /// <summary>
    /// This thread's pads for <paramref name="key"/>, the last two keys kept: a request that reads a seal made under an
    /// older pair of salts and writes one under the current pair would otherwise hash new pads for both every time.
    /// </summary>
    internal static HmacPads PadsFor(OpenSslSha.Sha sha, byte[] key)
    {
        if (t_pads is { } pads && ReferenceEquals(t_padsKey, key))
        {
            return pads;
        }

        if (t_olderPads is { } older && ReferenceEquals(t_olderPadsKey, key))
        {
            (t_olderPads, t_olderPadsKey) = (t_pads, t_padsKey);
            (t_pads, t_padsKey) = (older, key);
            return older;
        }

        // Made before anything moves, so that a failure leaves both kept pads as they were. The dropped pads are this
        // thread's alone: wiped, as disposing a .NET HMAC wipes its key.
        var made = new HmacPads(sha, key);
        t_olderPads?.Wipe();
        (t_olderPads, t_olderPadsKey) = (t_pads, t_padsKey);
        (t_pads, t_padsKey) = (made, key);
        return made;
    }

    /// <summary>AES-256-CBC with PKCS#7 padding: the length written to <paramref name="destination"/>.</summary>
    /// <remarks>
    /// A one-shot CBC call sets up a new cipher context and key schedule each time, so seals go through the thread's
    /// encryptor instead, kept running from one seal to the next: CBC feeds each block the previous ciphertext block,
    /// so a message's first block is given as <c>P1 ^ IV ^ previous</c>, which the encryptor turns into exactly
    /// <c>E(P1 ^ IV)</c>, the first block of the message under its own IV. The output is that of
    /// <see cref="SymmetricAlgorithm.EncryptCbc(ReadOnlySpan{byte}, ReadOnlySpan{byte}, PaddingMode)"/>, byte for byte.
    /// </remarks>
    /// <exception cref="ArgumentException">The IV is not one block long, as the one-shot call refuses it.</exception>
    public static int Encrypt(byte[] key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> iv, Span<byte> destination)
        => Encrypt(key, plaintext, iv, destination, OpenSslCbc.IsAvailable);

    /// <summary>As <see cref="Encrypt(byte[], ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>, through OpenSSL (<paramref name="direct"/>) or through .NET's running encryptor.</summary>
    internal static int Encrypt(byte[] key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> iv, Span<byte> destination, bool direct)
    {
        if (iv.Length != BlockSize)
        {
            throw new ArgumentException($"The IV must be {BlockSize} bytes.", nameof(iv));
        }

        if (direct)
        {
            return Direct().Encrypt(key, iv, plaintext, destination);
        }

        var length = CiphertextLength(plaintext.Length);
        var encryptor = EncryptorFor(key);
        var blocks = ArrayPool<byte>.Shared.Rent(2 * length);
        try
        {
            // PKCS#7: every message gains 1 to 16 bytes, each holding their count.
            plaintext.CopyTo(blocks);
            blocks.AsSpan(plaintext.Length, length - plaintext.Length).Fill((byte)(length - plaintext.Length));
            var first = blocks.AsSpan(0, BlockSize);
            for (var i = 0; i < BlockSize; i++)
            {
                first[i] ^= (byte)(iv[i] ^ t_chain![i]);
            }

            if (encryptor.TransformBlock(blocks, 0, length, blocks, length) != length)
            {
                throw new CryptographicException("The encryptor held back part of a padded message.");
            }

            blocks.AsSpan(length, length).CopyTo(destination);
            blocks.AsSpan((2 * length) - BlockSize, BlockSize).CopyTo(t_chain);
            return length;
        }
        catch
        {
            // Where the chain stands is no longer known: the next seal starts a new encryptor.
            DropEncryptor();
            throw;
        }
        finally
        {
            // The plaintext was copied here.
            ArrayPool<byte>.Shared.Return(blocks, clearArray: true);
        }
    }

    /// <summary>Reverses <see cref="Encrypt(byte[], ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>: cheapest into a <paramref name="destination"/> a block longer than the ciphertext.</summary>
    /// <exception cref="CryptographicException">The padding is wrong: not this key, or not a ciphertext.</exception>
    public static int Decrypt(byte[] key, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> iv, Span<byte> destination)
        => Decrypt(key, ciphertext, iv, destination, OpenSslCbc.IsAvailable);

    /// <summary>As <see cref="Decrypt(byte[], ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>, through OpenSSL (<paramref name="direct"/>) or through .NET's <see cref="Aes"/>.</summary>
    internal static int Decrypt(byte[] key, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> iv, Span<byte> destination, bool direct)
    {
        if (!direct)
        {
            return For(key).DecryptCbc(ciphertext, iv, destination, PaddingMode.PKCS7);
        }

        var cbc = Direct();

        if (destination.Length >= ciphertext.Length + OpenSslCbc.BlockBytes)
        {
            return cbc.TryDecrypt(key, iv, ciphertext, destination, out var length) ? length : throw new CryptographicException("The padding is invalid.");
        }

        // OpenSSL asks a block more room than the ciphertext; a caller with only the plaintext's gets it copied.
        var room = ArrayPool<byte>.Shared.Rent(ciphertext.Length + OpenSslCbc.BlockBytes);
        try
        {
            if (!cbc.TryDecrypt(key, iv, ciphertext, room, out var length))
            {
                throw new CryptographicException("The padding is invalid.");
            }

            if (length > destination.Length)
            {
                throw new ArgumentException("The destination is too short for the plaintext.", nameof(destination));
            }

            room.AsSpan(0, length).CopyTo(destination);
            return length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(room, clearArray: true);
        }
    }

    /// <summary>This thread's contexts for OpenSSL's AES-256-CBC.</summary>
    private static OpenSslCbc.Context Direct() => t_cbc ??= new OpenSslCbc.Context();

    /// <summary>The length of the ciphertext of a plaintext of this length: padded to the next whole block.</summary>
    public static int CiphertextLength(int plaintextLength) => OpenSslCbc.CiphertextLength(plaintextLength);

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

    private static ICryptoTransform EncryptorFor(byte[] key)
    {
        var encryptor = t_encryptor;
        if (encryptor is null || !ReferenceEquals(t_encryptorKey, key))
        {
            DropEncryptor();
            using var aes = Aes.Create();
            aes.Mode = CipherMode.CBC;
            aes.Padding = PaddingMode.None;
            t_chain = new byte[BlockSize];
            t_encryptor = encryptor = aes.CreateEncryptor(key, t_chain);
            t_encryptorKey = key;
        }

        return encryptor;
    }

    private static void DropEncryptor()
    {
        t_encryptor?.Dispose();
        t_encryptor = null;
        t_encryptorKey = null;
    }
}
