using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace CookieSession.Signing;

/// <summary>
/// SHA-1 and SHA-256 called straight from the OpenSSL that .NET itself uses on Linux. Its low-level hashing state is a
/// plain struct that can be copied, so an HMAC key's padded blocks are hashed once (<see cref="HmacPads"/>) and a MAC
/// then costs its message and four native calls. .NET's own HMAC makes three calls a MAC, each clearing OpenSSL's error
/// queue, and copies a context through the allocator twice: for a 200-byte session it takes about twice as long.
/// </summary>
/// <remarks>
/// Used only where every check passes: Linux, a <c>libcrypto</c> that exports the functions, results equal to .NET's
/// HMAC on a known key and message, and the switch <see cref="DisableSwitch"/> not set (for sites that must hash only
/// through OpenSSL's providers, as a FIPS configuration requires). Anywhere else <see cref="For"/> gives none and
/// <see cref="KeyedHmacs"/> uses .NET's HMAC.
/// </remarks>
internal static unsafe class OpenSslSha
{
    /// <summary>The <see cref="AppContext"/> switch that keeps every HMAC on .NET's own implementation.</summary>
    public const string DisableSwitch = "CookieSession.Signing.DisableOpenSslSha";

    /// <summary>Room for a hashing state: more than OpenSSL's <c>SHA_CTX</c> (96 bytes) or <c>SHA256_CTX</c> (112) in any release.</summary>
    public const int StateBytes = 256;

    /// <summary>The block both hashes absorb at a time, which an HMAC key is padded to.</summary>
    public const int BlockBytes = 64;

    /// <summary>The functions for <paramref name="algorithm"/>, or none where they are not to be used.</summary>
    public static Sha? For(HashAlgorithmName algorithm)
    {
        if (algorithm == HashAlgorithmName.SHA256)
        {
            return Loaded.Sha256;
        }

        return algorithm == HashAlgorithmName.SHA1 ? Loaded.Sha1 : null;
    }

    /// <summary>One hash's three functions, over a state of <see cref="StateBytes"/> the caller provides.</summary>
    public sealed class Sha
    {
        private readonly delegate* unmanaged<byte*, int> _init;
        private readonly delegate* unmanaged<byte*, byte*, nuint, int> _update;
        private readonly delegate* unmanaged<byte*, byte*, int> _final;

        internal Sha(HashAlgorithmName algorithm, int hashBytes, nint init, nint update, nint final)
        {
            Algorithm = algorithm;
            HashBytes = hashBytes;
            _init = (delegate* unmanaged<byte*, int>)init;
            _update = (delegate* unmanaged<byte*, byte*, nuint, int>)update;
            _final = (delegate* unmanaged<byte*, byte*, int>)final;
        }

        public HashAlgorithmName Algorithm { get; }

        /// <summary>The length of a hash: 20 bytes for SHA-1, 32 for SHA-256.</summary>
        public int HashBytes { get; }

        public void Init(byte* state) => Check(_init(state));

        public void Update(byte* state, byte* data, int length) => Check(_update(state, data, (nuint)length));

        /// <summary>Writes <see cref="HashBytes"/> bytes at <paramref name="hash"/>.</summary>
        public void Final(byte* hash, byte* state) => Check(_final(hash, state));

        // Each returns 1; OpenSSL documents no failure for them, so a 0 means a library unlike the one checked at load.
        private static void Check(int result)
        {
            if (result != 1)
            {
                throw new CryptographicException("OpenSSL's hash function failed.");
            }
        }
    }

    /// <summary>Loaded and checked on first use, once for the process.</summary>
    private static class Loaded
    {
        public static readonly Sha? Sha1;
        public static readonly Sha? Sha256;

        static Loaded()
        {
            if (!OperatingSystem.IsLinux() || (AppContext.TryGetSwitch(DisableSwitch, out var disabled) && disabled))
            {
                return;
            }

            // The names .NET looks for, newest first; the process has one of them loaded already.
            if (!NativeLibrary.TryLoad("libcrypto.so.3", out var library) && !NativeLibrary.TryLoad("libcrypto.so.1.1", out library))
            {
                return;
            }

            Sha1 = Checked(library, HashAlgorithmName.SHA1, 20, "SHA1_Init", "SHA1_Update", "SHA1_Final");
            Sha256 = Checked(library, HashAlgorithmName.SHA256, 32, "SHA256_Init", "SHA256_Update", "SHA256_Final");
        }

        private static Sha? Checked(nint library, HashAlgorithmName algorithm, int hashBytes, string init, string update, string final)
        {
            if (!NativeLibrary.TryGetExport(library, init, out var initAddress)
                || !NativeLibrary.TryGetExport(library, update, out var updateAddress)
                || !NativeLibrary.TryGetExport(library, final, out var finalAddress))
            {
                return null;
            }

            try
            {
                var sha = new Sha(algorithm, hashBytes, initAddress, updateAddress, finalAddress);
                return AgreesWithDotNet(sha) ? sha : null;
            }
            catch (CryptographicException)
            {
                return null;
            }
        }

        private static bool AgreesWithDotNet(Sha sha)
        {
            // A key longer than a block and a message over two blocks: every step of the HMAC, against .NET's.
            var key = new byte[BlockBytes + 7];
            var message = new byte[(2 * BlockBytes) + 9];
            for (var i = 0; i < message.Length; i++)
            {
                message[i] = (byte)(i * 7);
                key[i % key.Length] ^= (byte)(i * 13);
            }

            var ours = new byte[sha.HashBytes];
            new HmacPads(sha, key).Compute(message, ours);
            return ours.AsSpan().SequenceEqual(CryptographicOperations.HmacData(sha.Algorithm, key, message));
        }
    }
}
