using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace CookieSession.Crypto;

/// <summary>
/// AES-256-GCM through OpenSSL's EVP functions called directly (<see cref="EvpCipherContext"/>), on a context keyed once:
/// a seal is five native calls, which .NET's <see cref="AesGcm"/> makes through wrappers that each clear OpenSSL's error
/// queue.
/// </summary>
internal static unsafe class OpenSslGcm
{
    public const int KeyBytes = 32;
    public const int NonceBytes = 12;
    public const int TagBytes = 16;

    // EVP_CTRL_GCM_GET_TAG and EVP_CTRL_GCM_SET_TAG, from OpenSSL's evp.h.
    private const int GetTag = 0x10;
    private const int SetTag = 0x11;

    private static readonly nint s_cipher = EvpCipherContext.IsLoaded ? EvpCipherContext.Cipher("EVP_aes_256_gcm") : 0;

    /// <summary>Whether the functions were found and seal and open exactly as <see cref="AesGcm"/> does.</summary>
    public static bool IsAvailable { get; } = s_cipher != 0 && LibCrypto.Passes(AgreesWithDotNet);

    /// <summary>One keyed cipher context: for one thread at a time, as an <see cref="AesGcm"/> is.</summary>
    public sealed class Context : IDisposable
    {
        private readonly EvpCipherContext _context;

        public Context(ReadOnlySpan<byte> key)
        {
            if (key.Length != KeyBytes)
            {
                throw new ArgumentException($"The key must be {KeyBytes} bytes.", nameof(key));
            }

            // GCM only ever encrypts with AES, so one key schedule serves both directions.
            _context = new EvpCipherContext(s_cipher, key, encrypt: true);
        }

        /// <summary>Seals <paramref name="plaintext"/> into <paramref name="ciphertext"/> (its length; the same memory is allowed).</summary>
        // Never inlined: on 64-bit targets, in a caller's try block with a catch, each native call below would go through a
        // marshalling stub.
        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
        {
            CheckSizes(nonce, plaintext.Length, ciphertext.Length, tag.Length);
            fixed (byte* iv = nonce, input = plaintext, output = ciphertext, tagBytes = tag, aad = associatedData)
            {
                _context.Start(iv, encrypt: true);
                if (!Run(aad, associatedData.Length, input, output, plaintext.Length))
                {
                    throw new CryptographicException("OpenSSL's AES-GCM failed.");
                }

                _context.Control(GetTag, TagBytes, tagBytes);
            }
        }

        /// <summary>
        /// Opens <paramref name="ciphertext"/> into <paramref name="plaintext"/> (its length; the same memory is allowed).
        /// False, with <paramref name="plaintext"/> wiped, when the tag does not match.
        /// </summary>
        // Never inlined: on 64-bit targets, in a caller's try block with a catch, each native call below would go through a
        // marshalling stub.
        [MethodImpl(MethodImplOptions.NoInlining)]
        public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
        {
            CheckSizes(nonce, ciphertext.Length, plaintext.Length, tag.Length);
            fixed (byte* iv = nonce, input = ciphertext, output = plaintext, tagBytes = tag, aad = associatedData)
            {
                _context.Start(iv, encrypt: false);
                _context.Control(SetTag, TagBytes, tagBytes);
                if (Run(aad, associatedData.Length, input, output, ciphertext.Length))
                {
                    return true;
                }
            }

            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }

        public void Dispose() => _context.Dispose();

        /// <summary>The associated data, then the text, then the final step: false only when the last fails (a tag that does not match).</summary>
        private bool Run(byte* aad, int aadLength, byte* input, byte* output, int length)
        {
            if (aadLength > 0)
            {
                _context.Update(null, aad, aadLength);
            }

            if (length > 0)
            {
                _context.Update(output, input, length);
            }

            // GCM writes everything as it goes, nothing at the end.
            byte none;
            return _context.TryFinish(&none, out _);
        }

        private static void CheckSizes(ReadOnlySpan<byte> nonce, int inputLength, int outputLength, int tagLength)
        {
            if (nonce.Length != NonceBytes || tagLength != TagBytes || outputLength != inputLength)
            {
                throw new ArgumentException($"AES-GCM here takes a {NonceBytes}-byte nonce, a {TagBytes}-byte tag and an output as long as its input.");
            }
        }
    }

    /// <summary>Seals and opens a known message both ways, in place too, and refuses a changed tag, as <see cref="AesGcm"/> does.</summary>
    private static bool AgreesWithDotNet()
    {
        var key = new byte[KeyBytes];
        var nonce = new byte[NonceBytes];
        var aad = new byte[21];
        var message = new byte[(3 * 16) + 5];
        for (var i = 0; i < message.Length; i++)
        {
            message[i] = (byte)(i * 7);
            key[i % key.Length] ^= (byte)(i * 13);
            nonce[i % nonce.Length] ^= (byte)(i * 5);
            aad[i % aad.Length] ^= (byte)(i * 3);
        }

        var expected = new byte[message.Length];
        var expectedTag = new byte[TagBytes];
        using (var dotnet = new AesGcm(key, TagBytes))
        {
            dotnet.Encrypt(nonce, message, expected, expectedTag, aad);
        }

        using var context = new Context(key);
        var sealedText = (byte[])message.Clone();
        var tag = new byte[TagBytes];
        context.Encrypt(nonce, sealedText, sealedText, tag, aad);
        if (!sealedText.AsSpan().SequenceEqual(expected) || !tag.AsSpan().SequenceEqual(expectedTag))
        {
            return false;
        }

        var opened = new byte[message.Length];
        if (!context.TryDecrypt(nonce, sealedText, tag, opened, aad) || !opened.AsSpan().SequenceEqual(message))
        {
            return false;
        }

        tag[0] ^= 1;
        return !context.TryDecrypt(nonce, sealedText, tag, opened, aad) && opened.AsSpan().IndexOfAnyExcept((byte)0) < 0;
    }
}
