using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CookieSession.Signing;

namespace CookieSession.Formats.Iron;

/// <summary>
/// The seal of <c>@hapi/iron</c> as <c>iron-webcrypto</c> makes and checks it, with iron's defaults, built from
/// <see cref="System.Security.Cryptography"/> alone:
/// <c>Fe26.2*id*encryptionSalt*iv*ciphertext*expiration*hmacSalt*hmac</c>. Each salt is 256 random bits in lower-case
/// hex, and its hex text (UTF-8) salts PBKDF2-HMAC-SHA1 (1 iteration, 32 bytes) of the password; the JSON is encrypted
/// with AES-256-CBC (PKCS7) under a random 16-byte IV; iv and ciphertext are base64url without padding; the expiration
/// is Unix milliseconds, empty for none; the HMAC-SHA256 covers the first six parts as written, in base64url.
/// </summary>
/// <remarks>Part of the wire format shared with Node: never change it.</remarks>
internal static class IronSeal
{
    /// <summary>The prefix of every seal, iron's version 2 of its format.</summary>
    public const string Prefix = "Fe26.2";

    /// <summary>How far past its expiration a seal is still accepted: iron's 60 seconds.</summary>
    public static readonly TimeSpan TimestampSkew = TimeSpan.FromSeconds(60);

    private const int SaltBytes = 32;
    private const int KeyBytes = 32;
    private const int IvBytes = 16;
    private const int MacLength = 43; // base64url of 32 bytes

    /// <summary>
    /// Seals the JSON as iron-webcrypto does, with two fresh salts: returns the seal's text (ASCII). The format seals
    /// through <see cref="IronKeys"/> instead; this is the peer's way, for checking that both are read alike.
    /// </summary>
    public static string Seal(ReadOnlySpan<byte> json, byte[] password, string passwordId, DateTimeOffset? expiration)
    {
        Span<byte> encryptionSalt = stackalloc byte[SaltBytes * 2];
        Span<byte> hmacSalt = stackalloc byte[SaltBytes * 2];
        RandomHex(encryptionSalt);
        RandomHex(hmacSalt);
        Span<byte> iv = stackalloc byte[IvBytes];
        RandomNumberGenerator.Fill(iv);
        return Seal(json, password, passwordId, expiration, encryptionSalt, hmacSalt, iv);
    }

    /// <summary>
    /// Seals the JSON with the current password and the salts <paramref name="keys"/> seals with now (their keys
    /// already derived), under a random IV: returns the seal's text (ASCII).
    /// </summary>
    public static string Seal(ReadOnlySpan<byte> json, IronKeys keys, string passwordId, DateTimeOffset? expiration)
    {
        var salts = keys.ForSealing();
        Span<byte> iv = stackalloc byte[IvBytes];
        RandomNumberGenerator.Fill(iv);
        return Seal(json, passwordId, expiration, salts.EncryptionSalt, salts.HmacSalt, iv, salts.EncryptionKey, salts.HmacKey);
    }

    /// <summary>Seals with the salts (their hex text) and IV given: what the random ones make, for known vectors.</summary>
    internal static string Seal(
        ReadOnlySpan<byte> json,
        byte[] password,
        string passwordId,
        DateTimeOffset? expiration,
        ReadOnlySpan<byte> encryptionSalt,
        ReadOnlySpan<byte> hmacSalt,
        ReadOnlySpan<byte> iv)
    {
        var encryptionKey = new byte[KeyBytes];
        var hmacKey = new byte[KeyBytes];
        Rfc2898DeriveBytes.Pbkdf2(password, encryptionSalt, encryptionKey, 1, HashAlgorithmName.SHA1);
        Rfc2898DeriveBytes.Pbkdf2(password, hmacSalt, hmacKey, 1, HashAlgorithmName.SHA1);
        try
        {
            return Seal(json, passwordId, expiration, Encoding.ASCII.GetString(encryptionSalt), Encoding.ASCII.GetString(hmacSalt), iv, encryptionKey, hmacKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encryptionKey);
            CryptographicOperations.ZeroMemory(hmacKey);
        }
    }

    private static string Seal(
        ReadOnlySpan<byte> json,
        string passwordId,
        DateTimeOffset? expiration,
        string encryptionSalt,
        string hmacSalt,
        ReadOnlySpan<byte> iv,
        byte[] encryptionKey,
        byte[] hmacKey)
    {
        byte[] ciphertext;
        using (var aes = Aes.Create())
        {
            aes.Key = encryptionKey;
            ciphertext = aes.EncryptCbc(json, iv, PaddingMode.PKCS7);
        }

        var text = new StringBuilder(64 + (ciphertext.Length * 4 / 3) + 200);
        text.Append(Prefix).Append('*').Append(passwordId).Append('*')
            .Append(encryptionSalt).Append('*')
            .Append(Base64Url.EncodeToString(iv)).Append('*')
            .Append(Base64Url.EncodeToString(ciphertext)).Append('*');
        if (expiration is { } expires)
        {
            text.Append(expires.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        }

        var macBase = text.ToString();
        text.Append('*').Append(hmacSalt).Append('*').Append(Mac(macBase, hmacKey));
        return text.ToString();
    }

    /// <summary>
    /// Checks and opens a seal (without iron-session's <c>~</c> suffix). On success <paramref name="json"/> is rented
    /// from <see cref="ArrayPool{T}.Shared"/> and holds the JSON in its first <paramref name="length"/> bytes.
    /// </summary>
    public static SessionCookieRejection TryUnseal(
        ReadOnlySpan<char> seal,
        IronPasswords passwords,
        DateTimeOffset now,
        out byte[]? json,
        out int length,
        out bool sealedWithOlderPassword)
        => TryUnseal(seal, passwords, new IronKeys(passwords), now, out json, out length, out sealedWithOlderPassword);

    /// <summary>As above, with the keys derived before (and those derived now kept for later) in <paramref name="keys"/>.</summary>
    public static SessionCookieRejection TryUnseal(
        ReadOnlySpan<char> seal,
        IronPasswords passwords,
        IronKeys keys,
        DateTimeOffset now,
        out byte[]? json,
        out int length,
        out bool sealedWithOlderPassword)
    {
        json = null;
        length = 0;
        sealedWithOlderPassword = false;
        Span<Range> parts = stackalloc Range[9];
        if (seal.Split(parts, '*') != 8)
        {
            return SessionCookieRejection.MalformedEncoding;
        }

        if (!seal[parts[0]].SequenceEqual(Prefix))
        {
            return SessionCookieRejection.UnknownVersion;
        }

        var expiration = seal[parts[5]];
        if (!expiration.IsEmpty)
        {
            // iron-webcrypto 2: digits without a leading zero.
            if (expiration.Length > 16 || expiration[0] == '0' || expiration.ContainsAnyExceptInRange('0', '9'))
            {
                return SessionCookieRejection.MalformedEncoding;
            }

            var expires = long.Parse(expiration, NumberStyles.None, CultureInfo.InvariantCulture);
            if (expires <= (now - TimestampSkew).ToUnixTimeMilliseconds())
            {
                return SessionCookieRejection.Expired;
            }
        }

        if (!passwords.TryGet(seal[parts[1]], out var id, out var password))
        {
            return SessionCookieRejection.UnknownPassword;
        }

        // The MAC first: nothing else is decoded for a seal that is not ours.
        var macBase = seal[..(parts[5].End.Value)];
        var hmacSalt = seal[parts[6]];
        var mac = seal[parts[7]];
        if (hmacSalt.Length > 256 || mac.Length != MacLength || !Ascii.IsValid(macBase) || !Ascii.IsValid(hmacSalt) || !Ascii.IsValid(mac))
        {
            return SessionCookieRejection.BadSignature;
        }

        var hmacKey = keys.Derive(id, password!, hmacSalt, keep: false);
        var expected = Mac(macBase, hmacKey);
        Span<byte> expectedBytes = stackalloc byte[MacLength];
        Span<byte> macBytes = stackalloc byte[MacLength];
        Encoding.ASCII.GetBytes(expected, expectedBytes);
        Encoding.ASCII.GetBytes(mac, macBytes);
        if (!ConstantTime.Equals(expectedBytes, macBytes))
        {
            return SessionCookieRejection.BadSignature;
        }

        // The salts are part of what the MAC covers: from here on they are the seal's own, worth keeping keys for.
        keys.Keep(id, hmacSalt, hmacKey);

        var encryptionSalt = seal[parts[2]];
        var ivText = seal[parts[3]];
        var ciphertextText = seal[parts[4]];
        Span<byte> iv = stackalloc byte[IvBytes + 2];
        if (encryptionSalt.Length > 256
            || Base64Url.DecodeFromChars(ivText, iv, out _, out var ivLength) != OperationStatus.Done || ivLength != IvBytes)
        {
            return SessionCookieRejection.MalformedEncoding;
        }

        var ciphertext = ArrayPool<byte>.Shared.Rent(Math.Max(1, Base64Url.GetMaxDecodedLength(ciphertextText.Length)));
        try
        {
            if (Base64Url.DecodeFromChars(ciphertextText, ciphertext, out _, out var ciphertextLength) != OperationStatus.Done)
            {
                return SessionCookieRejection.MalformedEncoding;
            }

            var key = keys.Derive(id, password!, encryptionSalt, keep: true);
            var plaintext = ArrayPool<byte>.Shared.Rent(Math.Max(1, ciphertextLength));
            try
            {
                using var aes = Aes.Create();
                aes.Key = key;
                length = aes.DecryptCbc(ciphertext.AsSpan(0, ciphertextLength), iv[..IvBytes], plaintext, PaddingMode.PKCS7);
            }
            catch (CryptographicException)
            {
                ArrayPool<byte>.Shared.Return(plaintext, clearArray: true);
                return SessionCookieRejection.Undecryptable;
            }

            json = plaintext;
            sealedWithOlderPassword = id != passwords.CurrentId;
            return SessionCookieRejection.None;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(ciphertext);
        }
    }

    private static string Mac(ReadOnlySpan<char> macBase, byte[] key)
    {
        var data = ArrayPool<byte>.Shared.Rent(macBase.Length);
        try
        {
            var written = Encoding.UTF8.GetBytes(macBase, data);
            Span<byte> hash = stackalloc byte[32];
            HMACSHA256.HashData(key, data.AsSpan(0, written), hash);
            return Base64Url.EncodeToString(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    private static void RandomHex(Span<byte> destination)
    {
        Span<byte> random = stackalloc byte[SaltBytes];
        RandomNumberGenerator.Fill(random);
        for (var i = 0; i < random.Length; i++)
        {
            destination[2 * i] = Hex(random[i] >> 4);
            destination[(2 * i) + 1] = Hex(random[i] & 0xF);
        }
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
