using System.Security.Cryptography;

namespace CookieSession.Formats;

/// <summary>
/// Random bytes for the values a sealed cookie carries in the clear (AES-GCM nonces, CBC IVs), drawn from the system's
/// cryptographic generator a block at a time per thread, so that a seal does not make a call into OpenSSL of its own
/// for twelve or sixteen bytes. Never for secrets (keys, session ids, salts): bytes drawn ahead wait in memory until
/// used, which is harmless only for values that are written out in the cookie anyway.
/// </summary>
internal static class PublicNonces
{
    /// <summary>Bytes drawn at once: 64 nonces of 16 bytes.</summary>
    private const int BlockSize = 1024;

    [ThreadStatic]
    private static byte[]? t_block;

    [ThreadStatic]
    private static int t_next;

    /// <summary>Fills <paramref name="destination"/> with bytes no other call, on any thread, is given.</summary>
    public static void Fill(Span<byte> destination)
    {
        if (destination.Length > BlockSize / 4)
        {
            RandomNumberGenerator.Fill(destination);
            return;
        }

        var block = t_block;
        var next = t_next;
        if (block is null || BlockSize - next < destination.Length)
        {
            // Filled before it is kept or counted from: were the generator to fail, no later call may hand out a new
            // block's zeros or a block's bytes twice.
            var fresh = block ?? new byte[BlockSize];
            t_next = BlockSize;
            RandomNumberGenerator.Fill(fresh);
            t_block = block = fresh;
            next = 0;
        }

        block.AsSpan(next, destination.Length).CopyTo(destination);
        t_next = next + destination.Length;
    }
}
