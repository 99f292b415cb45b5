using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace CookieSession.Crypto;

/// <summary>
/// AES-256-GCM through OpenSSL's EVP functions called directly (<see cref="LibCrypto"/>), on a cipher context keyed once:
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

    private static readonly delegate* unmanaged<nint> s_newContext;
    private static readonly delegate* unmanaged<nint, void> s_freeContext;
    private static readonly delegate* unmanaged<nint> s_aes256Gcm;
    private static readonly delegate* unmanaged<nint, nint, nint, byte*, byte*, int, int> s_init;
    private static readonly delegate* unmanaged<nint, byte*, int*, byte*, int, int> s_update;
    private static readonly delegate* unmanaged<nint, byte*, int*, int> s_final;
    private static readonly delegate* unmanaged<nint, int, int, byte*, int> s_control;
    private static readonly delegate* unmanaged<void> s_clearErrors;

    static OpenSslGcm()
    {
        var addresses = new[]
        {
            LibCrypto.Export("EVP_CIPHER_CTX_new"), LibCrypto.Export("EVP_CIPHER_CTX_free"), LibCrypto.Export("EVP_aes_256_gcm"),
            LibCrypto.Export("EVP_CipherInit_ex"), LibCrypto.Export("EVP_CipherUpdate"), LibCrypto.Export("EVP_CipherFinal_ex"),
            LibCrypto.Export("EVP_CIPHER_CTX_ctrl"), LibCrypto.Export("ERR_clear_error"),
        };
        if (Array.IndexOf(addresses, (nint)0) >= 0)
        {
            return;
        }

        s_newContext = (delegate* unmanaged<nint>)addresses[0];
        s_freeContext = (delegate* unmanaged<nint, void>)addresses[1];
        s_aes256Gcm = (delegate* unmanaged<nint>)addresses[2];
        s_init = (delegate* unmanaged<nint, nint, nint, byte*, byte*, int, int>)addresses[3];
        s_update = (delegate* unmanaged<nint, byte*, int*, byte*, int, int>)addresses[4];
        s_final = (delegate* unmanaged<nint, byte*, int*, int>)addresses[5];
        s_control = (delegate* unmanaged<nint, int, int, byte*, int>)addresses[6];
        s_clearErrors = (delegate* unmanaged<void>)addresses[7];
        try
        {
            IsAvailable = AgreesWithDotNet();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Only a shortcut: whatever stops it leaves .NET's AesGcm in use.
            IsAvailable = false;
        }
    }

    /// <summary>Whether the functions were found and seal and open exactly as <see cref="AesGcm"/> does.</summary>
    public static bool IsAvailable { get; }

    /// <summary>One keyed cipher context: for one thread at a time, as an <see cref="AesGcm"/> is.</summary>
    public sealed class Context : SafeHandle
    {
        public Context(ReadOnlySpan<byte> key)
            : base(0, ownsHandle: true)
        {
            if (key.Length != KeyBytes)
            {
                throw new ArgumentException($"The key must be {KeyBytes} bytes.", nameof(key));
            }

            SetHandle(s_newContext());
            if (handle == 0)
            {
                throw new CryptographicException("OpenSSL could not make a cipher context.");
            }

            fixed (byte* keyBytes = key)
            {
                Check(s_init(handle, s_aes256Gcm(), 0, keyBytes, null, 1));
            }
        }

        public override bool IsInvalid => handle == 0;

        /// <summary>Seals <paramref name="plaintext"/> into <paramref name="ciphertext"/> (its length; the same memory is allowed).</summary>
        public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
        {
            CheckSizes(nonce, plaintext.Length, ciphertext.Length, tag.Length);
            fixed (byte* iv = nonce, input = plaintext, output = ciphertext, tagBytes = tag, aad = associatedData)
            {
                Check(s_init(handle, 0, 0, null, iv, 1));
                Run(aad, associatedData.Length, input, output, plaintext.Length);
                Check(s_control(handle, GetTag, TagBytes, tagBytes));
            }

            // The context stays alive until its last native call has returned.
            GC.KeepAlive(this);
        }

        /// <summary>
        /// Opens <paramref name="ciphertext"/> into <paramref name="plaintext"/> (its length; the same memory is allowed).
        /// False, with <paramref name="plaintext"/> wiped, when the tag does not match.
        /// </summary>
        public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
        {
            CheckSizes(nonce, ciphertext.Length, plaintext.Length, tag.Length);
            fixed (byte* iv = nonce, input = ciphertext, output = plaintext, tagBytes = tag, aad = associatedData)
            {
                Check(s_init(handle, 0, 0, null, iv, 0));
                Check(s_control(handle, SetTag, TagBytes, tagBytes));
                var opened = Run(aad, associatedData.Length, input, output, ciphertext.Length);
                GC.KeepAlive(this);
                if (opened)
                {
                    return true;
                }
            }

            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }

        protected override bool ReleaseHandle()
        {
            // Frees the context and wipes the key schedule it held.
            s_freeContext(handle);
            return true;
        }

        /// <summary>The associated data, then the text, then the final step: false only when the last fails (a tag that does not match).</summary>
        private bool Run(byte* aad, int aadLength, byte* input, byte* output, int length)
        {
            int written;
            if (aadLength > 0)
            {
                Check(s_update(handle, null, &written, aad, aadLength));
            }

            var total = 0;
            if (length > 0)
            {
                Check(s_update(handle, output, &written, input, length));
                total = written;
            }

            // GCM writes nothing at the end; a byte of room all the same where the text is empty.
            byte none;
            if (s_final(handle, length > total ? output + total : &none, &written) == 1)
            {
                return true;
            }

            s_clearErrors();
            return false;
        }

        private static void CheckSizes(ReadOnlySpan<byte> nonce, int inputLength, int outputLength, int tagLength)
        {
            if (nonce.Length != NonceBytes || tagLength != TagBytes || outputLength != inputLength)
            {
                throw new ArgumentException($"AES-GCM here takes a {NonceBytes}-byte nonce, a {TagBytes}-byte tag and an output as long as its input.");
            }
        }

        private static void Check(int result)
        {
            if (result != 1)
            {
                s_clearErrors();
                throw new CryptographicException("OpenSSL's AES-GCM failed.");
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
