using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CookieSession.Json;
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
        var buffer = new PooledByteBuffer(EstimateLength(json.Length, passwordId));
        try
        {
            SealTo(ref buffer, json, keys, passwordId, expiration);
            return Encoding.ASCII.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>As <see cref="Seal(ReadOnlySpan{byte}, IronKeys, string, DateTimeOffset?)"/>, the seal's ASCII appended to <paramref name="buffer"/>.</summary>
    public static void SealTo(ref PooledByteBuffer buffer, ReadOnlySpan<byte> json, IronKeys keys, string passwordId, DateTimeOffset? expiration)
    {
        var salts = keys.ForSealing();
        Span<byte> iv = stackalloc byte[IvBytes];
        PublicNonces.Fill(iv);
        Write(ref buffer, json, passwordId, expiration, salts.EncryptionSalt, salts.HmacSalt, iv, salts.EncryptionKey, salts.HmacKey, reuse: true);
    }

    /// <summary>About the length of a seal of a JSON of this many bytes.</summary>
    public static int EstimateLength(int jsonLength, string passwordId)
        => 200 + passwordId.Length + Base64Url.GetEncodedLength(IronCiphers.CiphertextLength(jsonLength));

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
        var buffer = new PooledByteBuffer(EstimateLength(json.Length, passwordId));
        try
        {
            // Keys used once: not kept keyed on the thread (reuse: false), and wiped after.
            Write(ref buffer, json, passwordId, expiration, Encoding.ASCII.GetString(encryptionSalt), Encoding.ASCII.GetString(hmacSalt), iv, encryptionKey, hmacKey, reuse: false);
            return Encoding.ASCII.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
            CryptographicOperations.ZeroMemory(encryptionKey);
            CryptographicOperations.ZeroMemory(hmacKey);
        }
    }

    /// <summary>Appends the seal's ASCII: the six parts the MAC covers, written once, then the MAC over them as written.</summary>
    private static void Write(
        ref PooledByteBuffer buffer,
        scoped ReadOnlySpan<byte> json,
        string passwordId,
        DateTimeOffset? expiration,
        string encryptionSalt,
        string hmacSalt,
        scoped ReadOnlySpan<byte> iv,
        byte[] encryptionKey,
        byte[] hmacKey,
        bool reuse)
    {
        var start = buffer.Length;
        WriteAscii(ref buffer, Prefix);
        buffer.WriteByte((byte)'*');
        WriteAscii(ref buffer, passwordId);
        buffer.WriteByte((byte)'*');
        WriteAscii(ref buffer, encryptionSalt);
        buffer.WriteByte((byte)'*');
        WriteBase64Url(ref buffer, iv);
        buffer.WriteByte((byte)'*');

        var ciphertext = ArrayPool<byte>.Shared.Rent(IronCiphers.CiphertextLength(json.Length));
        try
        {
            int length;
            if (reuse)
            {
                length = IronCiphers.Encrypt(encryptionKey, json, iv, ciphertext);
            }
            else
            {
                using var aes = Aes.Create();
                aes.Key = encryptionKey;
                length = aes.EncryptCbc(json, iv, ciphertext, PaddingMode.PKCS7);
            }

            WriteBase64Url(ref buffer, ciphertext.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(ciphertext);
        }

        buffer.WriteByte((byte)'*');
        if (expiration is { } expires)
        {
            var digits = buffer.GetSpan(20);
            expires.ToUnixTimeMilliseconds().TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
            buffer.Advance(written);
        }

        Span<byte> hash = stackalloc byte[32];
        var macBase = buffer.WrittenSpan[start..];
        if (reuse)
        {
            IronCiphers.Mac(hmacKey, macBase, hash);
        }
        else
        {
            HMACSHA256.HashData(hmacKey, macBase, hash);
        }

        buffer.WriteByte((byte)'*');
        WriteAscii(ref buffer, hmacSalt);
        buffer.WriteByte((byte)'*');
        WriteBase64Url(ref buffer, hash);
    }

    private static void WriteAscii(ref PooledByteBuffer buffer, string text)
    {
        var span = buffer.GetSpan(text.Length);
        if (Ascii.FromUtf16(text, span, out var written) != OperationStatus.Done)
        {
            throw new InvalidOperationException("A seal's salts and password id are ASCII.");
        }

        buffer.Advance(written);
    }

    private static void WriteBase64Url(ref PooledByteBuffer buffer, scoped ReadOnlySpan<byte> data)
    {
        var span = buffer.GetSpan(Base64Url.GetEncodedLength(data.Length));
        buffer.Advance(Base64Url.EncodeToUtf8(data, span));
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
        Span<byte> expected = stackalloc byte[MacLength];
        Span<byte> macBytes = stackalloc byte[MacLength];
        Mac(macBase, hmacKey, expected);
        Ascii.FromUtf16(mac, macBytes, out _);
        if (!ConstantTime.Equals(expected, macBytes))
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
            // A block more than the ciphertext, as OpenSSL asks of a decryption's output.
            var plaintext = ArrayPool<byte>.Shared.Rent(ciphertextLength + IronCiphers.BlockSize);
            try
            {
                length = IronCiphers.Decrypt(key, ciphertext.AsSpan(0, ciphertextLength), iv[..IvBytes], plaintext);
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

    /// <summary>The MAC of a seal's first six parts (ASCII, checked before), in base64url, into <paramref name="encoded"/>.</summary>
    private static void Mac(ReadOnlySpan<char> macBase, byte[] key, Span<byte> encoded)
    {
        var rented = macBase.Length > 1024 ? ArrayPool<byte>.Shared.Rent(macBase.Length) : null;
        var data = rented is null ? stackalloc byte[macBase.Length] : rented.AsSpan(0, macBase.Length);
        try
        {
            Ascii.FromUtf16(macBase, data, out _);
            Span<byte> hash = stackalloc byte[32];
            IronCiphers.Mac(key, data, hash);
            Base64Url.EncodeToUtf8(hash, encoded);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
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
