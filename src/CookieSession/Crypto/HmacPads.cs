using System.Security.Cryptography;

namespace CookieSession.Crypto;

/// <summary>
/// One HMAC key (RFC 2104) with its inner and outer padded blocks already hashed: each MAC copies those two states and
/// hashes only the message and the inner hash. Never changed once made, so any number of threads share it; a MAC's
/// working state lives on its caller's stack and is wiped after.
/// </summary>
internal sealed unsafe class HmacPads
{
    private const byte InnerPad = 0x36;
    private const byte OuterPad = 0x5c;

    private readonly OpenSslSha.Sha _sha;
    private readonly byte[] _inner = new byte[OpenSslSha.StateBytes];
    private readonly byte[] _outer = new byte[OpenSslSha.StateBytes];

    public HmacPads(OpenSslSha.Sha sha, ReadOnlySpan<byte> key)
    {
        _sha = sha;

        // A key longer than a block is replaced by its hash, as RFC 2104 says; a shorter one is padded with zeros.
        Span<byte> block = stackalloc byte[OpenSslSha.BlockBytes];
        block.Clear();
        if (key.Length > OpenSslSha.BlockBytes)
        {
            CryptographicOperations.HashData(sha.Algorithm, key, block);
        }
        else
        {
            key.CopyTo(block);
        }

        try
        {
            Absorb(block, InnerPad, _inner);
            Absorb(block, OuterPad ^ InnerPad, _outer);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    /// <summary>The length of a MAC, in bytes.</summary>
    public int HashBytes => _sha.HashBytes;

    /// <summary>Writes the MAC of <paramref name="data"/> into the first <see cref="HashBytes"/> bytes of <paramref name="hash"/>.</summary>
    public void Compute(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        if (hash.Length < _sha.HashBytes)
        {
            throw new ArgumentException($"The destination needs {_sha.HashBytes} bytes.", nameof(hash));
        }

        var state = stackalloc byte[OpenSslSha.StateBytes];
        var innerHash = stackalloc byte[_sha.HashBytes];
        try
        {
            fixed (byte* inner = _inner, outer = _outer, message = data, destination = hash)
            {
                Buffer.MemoryCopy(inner, state, OpenSslSha.StateBytes, OpenSslSha.StateBytes);
                _sha.Update(state, message, data.Length);
                _sha.Final(innerHash, state);

                Buffer.MemoryCopy(outer, state, OpenSslSha.StateBytes, OpenSslSha.StateBytes);
                _sha.Update(state, innerHash, _sha.HashBytes);
                _sha.Final(destination, state);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(new Span<byte>(state, OpenSslSha.StateBytes));
            CryptographicOperations.ZeroMemory(new Span<byte>(innerHash, _sha.HashBytes));
        }
    }

    /// <summary>Wipes both states, which are as good as the key; only for the pads' one owner, once no MAC is being made.</summary>
    public void Wipe()
    {
        CryptographicOperations.ZeroMemory(_inner);
        CryptographicOperations.ZeroMemory(_outer);
    }

    /// <summary>Hashes the key's block, each byte XORed with <paramref name="pad"/>, into a state kept for every MAC.</summary>
    private void Absorb(Span<byte> block, int pad, byte[] state)
    {
        for (var i = 0; i < block.Length; i++)
        {
            block[i] ^= (byte)pad;
        }

        fixed (byte* destination = state, padded = block)
        {
            _sha.Init(destination);
            _sha.Update(destination, padded, block.Length);
        }
    }
}
