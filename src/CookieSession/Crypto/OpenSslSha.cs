using System.Security.Cryptography;

namespace CookieSession.Crypto;

/// <summary>
/// SHA-1 and SHA-256 called straight from OpenSSL (<see cref="LibCrypto"/>). Its low-level hashing state is a plain
/// struct that can be copied, so an HMAC key's padded blocks are hashed once (<see cref="HmacPads"/>) and a MAC then
/// costs its message and four native calls, where .NET's own HMAC makes three calls that each clear OpenSSL's error
/// queue, and copies a context through the allocator twice.
/// </summary>
internal static unsafe class OpenSslSha
{
    /// <summary>Room for a hashing state: more than OpenSSL's <c>SHA_CTX</c> (96 bytes) or <c>SHA256_CTX</c> (112) in any release.</summary>
    public const int StateBytes = 256;

    /// <summary>The block both hashes absorb at a time, which an HMAC key is padded to.</summary>
    public const int BlockBytes = 64;

    /// <summary>
    /// The most bytes one native call hashes, between which a collection may run: about a microsecond with the
    /// processor's SHA instructions (the runtime's guidance for calls made without the switch), a few without. A whole
    /// number of blocks, so that slicing adds no buffering of its own.
    /// </summary>
    public const int UpdateSlice = 16 * BlockBytes;

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
    /// <remarks>
    /// Called without the runtime's switch to preemptive mode and back
    /// (<see cref="System.Runtime.InteropServices.SuppressGCTransitionAttribute"/>): each only hashes the caller's memory,
    /// taking no lock, allocating nothing and calling nothing back, and <see cref="Update"/> hashes at most
    /// <see cref="UpdateSlice"/> bytes a call, so a collection never waits long for one (an iron-session seal, hashed
    /// before its MAC is checked, can be tens of kilobytes). OpenSSL's cipher calls keep the switch: they go through its
    /// providers, which may lock and allocate.
    /// </remarks>
    public sealed class Sha
    {
        private readonly delegate* unmanaged[SuppressGCTransition]<byte*, int> _init;
        private readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int> _update;
        private readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int> _final;

        internal Sha(HashAlgorithmName algorithm, int hashBytes, nint init, nint update, nint final)
        {
            Algorithm = algorithm;
            HashBytes = hashBytes;
            _init = (delegate* unmanaged[SuppressGCTransition]<byte*, int>)init;
            _update = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int>)update;
            _final = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int>)final;
        }

        public HashAlgorithmName Algorithm { get; }

        /// <summary>The length of a hash: 20 bytes for SHA-1, 32 for SHA-256.</summary>
        public int HashBytes { get; }

        public void Init(byte* state) => Check(_init(state));

        public void Update(byte* state, byte* data, int length)
        {
            for (; length > UpdateSlice; data += UpdateSlice, length -= UpdateSlice)
            {
                Check(_update(state, data, UpdateSlice));
            }

            Check(_update(state, data, (nuint)length));
        }

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

    /// <summary>
    /// The functions named, if the library has them, their state fits in <see cref="StateBytes"/> and an HMAC made with
    /// them equals .NET's; none otherwise.
    /// </summary>
    internal static Sha? Checked(HashAlgorithmName algorithm, int hashBytes, string init, string update, string final)
    {
        var initAddress = LibCrypto.Export(init);
        var updateAddress = LibCrypto.Export(update);
        var finalAddress = LibCrypto.Export(final);
        if (initAddress == 0 || updateAddress == 0 || finalAddress == 0)
        {
            return null;
        }

        var sha = new Sha(algorithm, hashBytes, initAddress, updateAddress, finalAddress);
        return LibCrypto.Passes(() => StateFits(sha) && AgreesWithDotNet(sha)) ? sha : null;
    }

    /// <summary>Whether hashing on a state twice <see cref="StateBytes"/> long leaves its second half untouched.</summary>
    private static bool StateFits(Sha sha)
    {
        const byte Untouched = 0xA5;
        var canvas = stackalloc byte[2 * StateBytes];
        var data = stackalloc byte[3 * BlockBytes];
        var hash = stackalloc byte[sha.HashBytes];
        new Span<byte>(canvas, 2 * StateBytes).Fill(Untouched);
        new Span<byte>(data, 3 * BlockBytes).Fill(1);
        sha.Init(canvas);
        sha.Update(canvas, data, (3 * BlockBytes) - 1);
        sha.Final(hash, canvas);
        return new ReadOnlySpan<byte>(canvas + StateBytes, StateBytes).IndexOfAnyExcept(Untouched) < 0;
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

    /// <summary>Loaded and checked on first use, once for the process.</summary>
    private static class Loaded
    {
        public static readonly Sha? Sha1 = Checked(HashAlgorithmName.SHA1, 20, "SHA1_Init", "SHA1_Update", "SHA1_Final");
        public static readonly Sha? Sha256 = Checked(HashAlgorithmName.SHA256, 32, "SHA256_Init", "SHA256_Update", "SHA256_Final");
    }
}
