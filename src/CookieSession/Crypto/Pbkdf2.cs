using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CookieSession.Crypto;

/// <summary>
/// PBKDF2 (RFC 8018) over an HMAC whose password pads are hashed once (<see cref="HmacPads"/>): for keys derived again and
/// again from one password and a new salt each time, as every iron-session seal from another server needs two of.
/// </summary>
internal static class Pbkdf2
{
    /// <summary>Fills <paramref name="destination"/> with the key derived from the password of <paramref name="password"/> and <paramref name="salt"/>.</summary>
    public static void Derive(HmacPads password, ReadOnlySpan<byte> salt, int iterations, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var hashBytes = password.HashBytes;
        var onHeap = salt.Length > 256 ? new byte[salt.Length + 4] : null;
        var block = onHeap is null ? stackalloc byte[salt.Length + 4] : onHeap;
        Span<byte> u = stackalloc byte[hashBytes];
        Span<byte> t = stackalloc byte[hashBytes];
        salt.CopyTo(block);
        try
        {
            // T_i = U_1 ^ ... ^ U_c, with U_1 = HMAC(P, S || INT(i)) and U_j = HMAC(P, U_(j-1)); the key is T_1 || T_2 || ...
            for (var i = 1; destination.Length > 0; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(block[salt.Length..], i);
                password.Compute(block, u);
                u.CopyTo(t);
                for (var j = 1; j < iterations; j++)
                {
                    password.Compute(u, u);
                    for (var k = 0; k < hashBytes; k++)
                    {
                        t[k] ^= u[k];
                    }
                }

                var take = Math.Min(hashBytes, destination.Length);
                t[..take].CopyTo(destination);
                destination = destination[take..];
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(u);
            CryptographicOperations.ZeroMemory(t);
        }
    }
}
