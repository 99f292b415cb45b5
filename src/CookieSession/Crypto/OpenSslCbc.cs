using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace CookieSession.Crypto;

/// <summary>
/// AES-256-CBC with PKCS#7 padding through OpenSSL's EVP functions called directly (<see cref="EvpCipherContext"/>), on a
/// context kept keyed: a message is three native calls, where .NET's one-shot CBC call makes a new context and key
/// schedule, looking the cipher up by name, every time.
/// </summary>
internal static unsafe class OpenSslCbc
{
    public const int KeyBytes = 32;
    public const int BlockBytes = 16;

    private static readonly nint s_cipher = EvpCipherContext.IsLoaded ? EvpCipherContext.Cipher("EVP_aes_256_cbc") : 0;

    /// <summary>Whether the functions were found and encrypt and decrypt exactly as .NET's <see cref="Aes"/> does.</summary>
    public static bool IsAvailable { get; } = s_cipher != 0 && LibCrypto.Passes(AgreesWithDotNet);

    /// <summary>The length of the ciphertext of a plaintext of this length: padded to the next whole block.</summary>
    public static int CiphertextLength(int plaintextLength) => ((plaintextLength / BlockBytes) + 1) * BlockBytes;

    /// <summary>
    /// An encrypting and a decrypting context, each kept keyed with the last key it was given (told apart by reference:
    /// the caller never writes to a key array it has used): for one thread at a time.
    /// </summary>
    public sealed class Context : IDisposable
    {
        private EvpCipherContext? _encryptor;
        private EvpCipherContext? _decryptor;
        private byte[]? _encryptorKey;
        private byte[]? _decryptorKey;

        /// <summary>Encrypts and pads <paramref name="plaintext"/> into <paramref name="destination"/>; returns the length written (<see cref="CiphertextLength"/>).</summary>
        // Never inlined: on 64-bit targets, in a caller's try block with a catch, each native call below would go through a
        // marshalling stub.
        [MethodImpl(MethodImplOptions.NoInlining)]
        public int Encrypt(byte[] key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> destination)
        {
            var length = CiphertextLength(plaintext.Length);
            if (iv.Length != BlockBytes || destination.Length < length)
            {
                throw new ArgumentException($"AES-CBC here takes a {BlockBytes}-byte IV and room for {length} bytes.");
            }

            var context = Keyed(ref _encryptor, ref _encryptorKey, key, encrypt: true);
            fixed (byte* ivBytes = iv, input = plaintext, output = destination)
            {
                context.Start(ivBytes, encrypt: true);
                var written = plaintext.IsEmpty ? 0 : context.Update(output, input, plaintext.Length);
                if (!context.TryFinish(output + written, out var last) || written + last != length)
                {
                    throw new CryptographicException("OpenSSL's AES-CBC failed.");
                }
            }

            return length;
        }

        /// <summary>
        /// Decrypts <paramref name="ciphertext"/> into <paramref name="destination"/>, which needs a block more room than the
        /// ciphertext; false, with it wiped, when the padding is wrong (not this key, or not a ciphertext).
        /// </summary>
        // Never inlined: on 64-bit targets, in a caller's try block with a catch, each native call below would go through a
        // marshalling stub.
        [MethodImpl(MethodImplOptions.NoInlining)]
        public bool TryDecrypt(byte[] key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> destination, out int length)
        {
            if (iv.Length != BlockBytes || destination.Length < ciphertext.Length + BlockBytes)
            {
                throw new ArgumentException($"AES-CBC here takes a {BlockBytes}-byte IV and a block more room than the ciphertext.");
            }

            var context = Keyed(ref _decryptor, ref _decryptorKey, key, encrypt: false);
            length = 0;
            fixed (byte* ivBytes = iv, input = ciphertext, output = destination)
            {
                context.Start(ivBytes, encrypt: false);
                var written = ciphertext.IsEmpty ? 0 : context.Update(output, input, ciphertext.Length);
                if (context.TryFinish(output + written, out var last))
                {
                    length = written + last;
                    return true;
                }
            }

            CryptographicOperations.ZeroMemory(destination);
            return false;
        }

        public void Dispose()
        {
            _encryptor?.Dispose();
            _decryptor?.Dispose();
        }

        private static EvpCipherContext Keyed(ref EvpCipherContext? context, ref byte[]? keptKey, byte[] key, bool encrypt)
        {
            if (key.Length != KeyBytes)
            {
                throw new ArgumentException($"The key must be {KeyBytes} bytes.", nameof(key));
            }

            if (context is null)
            {
                context = new EvpCipherContext(s_cipher, key, encrypt);
                keptKey = key;
            }
            else if (!ReferenceEquals(keptKey, key))
            {
                // Forgotten first: a key that fails to take leaves no context under the old key's name.
                keptKey = null;
                context.Rekey(key, encrypt);
                keptKey = key;
            }

            return context;
        }
    }

    /// <summary>Encrypts and decrypts messages of a block and of a block and a part as .NET does, keyed anew between, and refuses a bad padding.</summary>
    private static bool AgreesWithDotNet()
    {
        var keys = new[] { new byte[KeyBytes], new byte[KeyBytes] };
        var iv = new byte[BlockBytes];
        for (var i = 0; i < KeyBytes; i++)
        {
            keys[0][i] = (byte)(i * 7);
            keys[1][i] = (byte)(i * 11);
            iv[i % BlockBytes] ^= (byte)(i * 5);
        }

        using var context = new Context();
        foreach (var key in keys)
        {
            using var aes = Aes.Create();
            aes.Key = key;
            foreach (var message in new[] { new byte[BlockBytes], new byte[BlockBytes + 5] })
            {
                message.AsSpan().Fill(0x42);
                var expected = aes.EncryptCbc(message, iv, PaddingMode.PKCS7);
                var ours = new byte[expected.Length];
                if (context.Encrypt(key, iv, message, ours) != expected.Length || !ours.AsSpan().SequenceEqual(expected))
                {
                    return false;
                }

                var opened = new byte[ours.Length + BlockBytes];
                if (!context.TryDecrypt(key, iv, ours, opened, out var length) || !opened.AsSpan(0, length).SequenceEqual(message))
                {
                    return false;
                }
            }
        }

        // Sixteen bytes that decrypt to anything but a valid padding are refused: the raw encryption of a block of zeros
        // padded as 0x00 never is valid.
        using var raw = Aes.Create();
        raw.Key = keys[1];
        var unpadded = raw.EncryptCbc(new byte[BlockBytes], iv, PaddingMode.None);
        var refused = new byte[2 * BlockBytes];
        return !context.TryDecrypt(keys[1], iv, unpadded, refused, out _);
    }
}
