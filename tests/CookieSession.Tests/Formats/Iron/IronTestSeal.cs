using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace CookieSession.Tests.Formats.Iron;

/// <summary>
/// iron's seal written here from its specification (iron-webcrypto's defaults), not through the library, so that
/// tests do not check the library against itself.
/// </summary>
internal static class IronTestSeal
{
    /// <summary>A seal of <paramref name="json"/>; <paramref name="encrypt"/>, given the cipher and the IV, may make its ciphertext instead.</summary>
    public static string Seal(byte[] json, string password, string id = "1", long? expiration = null, Func<Aes, byte[], byte[]>? encrypt = null)
    {
        var encryptionSalt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var hmacSalt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var iv = RandomNumberGenerator.GetBytes(16);
        using var aes = Aes.Create();
        aes.Key = Key(password, encryptionSalt);
        var ciphertext = encrypt is null ? aes.EncryptCbc(json, iv, PaddingMode.PKCS7) : encrypt(aes, iv);
        var macBase = $"Fe26.2*{id}*{encryptionSalt}*{WebEncoders.Base64UrlEncode(iv)}*{WebEncoders.Base64UrlEncode(ciphertext)}*{expiration}";
        return macBase + "*" + hmacSalt + "*" + Mac(macBase, password, hmacSalt) + "~2";
    }

    /// <summary>The JSON of a seal under <paramref name="password"/>, or null when it does not open.</summary>
    public static byte[]? Unseal(string value, string password)
    {
        var seal = value.Split('~')[0];
        var parts = seal.Split('*');
        if (parts.Length != 8 || parts[0] != "Fe26.2")
        {
            return null;
        }

        if (Mac(seal[..seal.LastIndexOf('*', seal.LastIndexOf('*') - 1)], password, parts[6]) != parts[7])
        {
            return null;
        }

        using var aes = Aes.Create();
        aes.Key = Key(password, parts[2]);
        return aes.DecryptCbc(WebEncoders.Base64UrlDecode(parts[4]), WebEncoders.Base64UrlDecode(parts[3]), PaddingMode.PKCS7);
    }

    private static byte[] Key(string password, string salt)
        => Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt), 1, HashAlgorithmName.SHA1, 32);

    private static string Mac(string macBase, string password, string salt)
        => WebEncoders.Base64UrlEncode(HMACSHA256.HashData(Key(password, salt), Encoding.UTF8.GetBytes(macBase)));
}
