using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace CookieSession.Tests.Formats.Protected;

/// <summary>
/// The Protected format's cookie value, written and read here from its documented layout rather than through the
/// library: version 1, the AES-256-GCM data key wrapped by Data Protection under ("CookieSession.Protected.v1",
/// cookie name), a nonce, the sealed times and JSON, the tag; everything before the nonce authenticated.
/// </summary>
internal static class ProtectedCookie
{
    public const string Purpose = "CookieSession.Protected.v1";

    public static string Seal(IDataProtectionProvider provider, string cookieName, ReadOnlySpan<byte> json, DateTimeOffset created, DateTimeOffset issued, string purpose = Purpose)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var wrapped = provider.CreateProtector(purpose, cookieName).Protect(key);
        var header = 3 + wrapped.Length;
        var plaintext = new byte[16 + json.Length];
        BinaryPrimitives.WriteInt64BigEndian(plaintext, created.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64BigEndian(plaintext.AsSpan(8), issued.ToUnixTimeMilliseconds());
        json.CopyTo(plaintext.AsSpan(16));

        var cookie = new byte[header + 12 + plaintext.Length + 16];
        cookie[0] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(cookie.AsSpan(1), (ushort)wrapped.Length);
        wrapped.CopyTo(cookie, 3);
        RandomNumberGenerator.Fill(cookie.AsSpan(header, 12));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(cookie.AsSpan(header, 12), plaintext, cookie.AsSpan(header + 12, plaintext.Length), cookie.AsSpan(^16), cookie.AsSpan(0, header));
        return WebEncoders.Base64UrlEncode(cookie);
    }

    /// <summary>The times and JSON a cookie value holds; throws if it does not open.</summary>
    public static (DateTimeOffset Created, DateTimeOffset Issued, byte[] Json) Open(IDataProtectionProvider provider, string cookieName, string value)
    {
        var cookie = WebEncoders.Base64UrlDecode(value);
        if (cookie[0] != 1)
        {
            throw new CryptographicException("unknown version");
        }

        var header = 3 + BinaryPrimitives.ReadUInt16BigEndian(cookie.AsSpan(1));
        var key = provider.CreateProtector(Purpose, cookieName).Unprotect(cookie[3..header]);
        var plaintext = new byte[cookie.Length - header - 12 - 16];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(cookie.AsSpan(header, 12), cookie.AsSpan(header + 12, plaintext.Length), cookie.AsSpan(^16), plaintext, cookie.AsSpan(0, header));
        return (
            DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(plaintext)),
            DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(plaintext.AsSpan(8))),
            plaintext[16..]);
    }
}
