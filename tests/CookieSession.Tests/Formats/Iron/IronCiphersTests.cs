using System.Security.Cryptography;
using CookieSession.Crypto;
using CookieSession.Formats.Iron;

namespace CookieSession.Tests.Formats.Iron;

/// <summary>The thread's keyed MAC and cipher answer for the key they are given, whichever key came before.</summary>
public sealed class IronCiphersTests
{
    public static TheoryData<bool> Paths => new() { false, true };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Mac_KeysTakingTurns_EachGivesItsOwnHmac(bool direct)
    {
        var sha = Sha(direct);
        var first = RandomNumberGenerator.GetBytes(32);
        var second = RandomNumberGenerator.GetBytes(32);
        var sameBytesOtherArray = (byte[])first.Clone();
        var data = RandomNumberGenerator.GetBytes(300);
        Span<byte> hash = stackalloc byte[32];
        foreach (var key in new[] { first, first, second, first, sameBytesOtherArray, second })
        {
            IronCiphers.Mac(key, data, hash, sha);
            Assert.Equal(HMACSHA256.HashData(key, data), hash.ToArray());
        }
    }

    [Theory]
    [InlineData(15, false)]
    [InlineData(17, false)]
    [InlineData(32, false)]
    [InlineData(15, true)]
    [InlineData(17, true)]
    [InlineData(32, true)]
    public void Encrypt_IvNotOneBlock_IsRefusedAsTheOneShotCallRefusesIt(int ivLength, bool direct)
    {
        Cbc(direct);
        var key = RandomNumberGenerator.GetBytes(32);
        var ciphertext = new byte[IronCiphers.CiphertextLength(10)];

        Assert.Throws<ArgumentException>(() => IronCiphers.Encrypt(key, new byte[10], new byte[ivLength], ciphertext, direct));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void EncryptThenDecrypt_KeysTakingTurns_AsAesCbcWithPkcs7(bool direct)
    {
        Cbc(direct);
        var keys = new[] { RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32) };
        for (var round = 0; round < 6; round++)
        {
            var key = keys[round % 3 == 0 ? 0 : 1];
            var iv = RandomNumberGenerator.GetBytes(16);
            var plaintext = RandomNumberGenerator.GetBytes(round * 7);
            var ciphertext = new byte[IronCiphers.CiphertextLength(plaintext.Length)];
            var length = IronCiphers.Encrypt(key, plaintext, iv, ciphertext, direct);

            using var aes = Aes.Create();
            aes.Key = key;
            Assert.Equal(aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7), ciphertext[..length]);

            var decrypted = new byte[length];
            var written = IronCiphers.Decrypt(key, ciphertext.AsSpan(0, length), iv, decrypted, direct);
            Assert.Equal(plaintext, decrypted[..written]);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Encrypt_ManyMessagesInARowUnderOneKey_EachAsAesCbcUnderItsOwnIv(bool direct)
    {
        Cbc(direct);
        // The thread's encryptor runs on from one message to the next: each message must still come out as if
        // encrypted alone under its own IV, whatever length (whole blocks or not) came before it.
        var key = RandomNumberGenerator.GetBytes(32);
        using var aes = Aes.Create();
        aes.Key = key;
        foreach (var size in new[] { 0, 1, 15, 16, 17, 31, 32, 33, 200, 0, 48, 5 })
        {
            var iv = RandomNumberGenerator.GetBytes(16);
            var plaintext = RandomNumberGenerator.GetBytes(size);
            var ciphertext = new byte[IronCiphers.CiphertextLength(size)];

            var length = IronCiphers.Encrypt(key, plaintext, iv, ciphertext, direct);

            Assert.Equal(aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7), ciphertext[..length]);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Encrypt_RandomLengthsIvsAndKeysTakingTurns_AsOneShotAesCbc(bool direct)
    {
        Cbc(direct);
        // The running encryptor's chain must be right after every path: whole and partial last blocks, a key that
        // changes (and comes back), a key replaced by a new array (rotation), decryptions in between, a failed seal.
        var random = new Random(20261206);
        var keys = new List<byte[]> { RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32) };
        for (var round = 0; round < 2_000; round++)
        {
            if (round % 97 == 0)
            {
                keys[random.Next(keys.Count)] = RandomNumberGenerator.GetBytes(32);
            }

            var key = keys[random.Next(keys.Count)];
            var iv = RandomNumberGenerator.GetBytes(16);
            var plaintext = RandomNumberGenerator.GetBytes(random.Next(0, 3) == 0 ? 16 * random.Next(0, 20) : random.Next(0, 700));
            using var aes = Aes.Create();
            aes.Key = key;
            var expected = aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);

            if (round % 13 == 0)
            {
                // Too short a destination fails the seal, as the one-shot call does; the next seal is still right.
                var tooShort = new byte[expected.Length - 1];
                Assert.ThrowsAny<ArgumentException>(() => IronCiphers.Encrypt(key, plaintext, iv, tooShort, direct));
            }

            var ciphertext = new byte[IronCiphers.CiphertextLength(plaintext.Length)];
            var length = IronCiphers.Encrypt(key, plaintext, iv, ciphertext, direct);

            Assert.Equal(expected, ciphertext[..length]);
            if (round % 7 == 0)
            {
                var decrypted = new byte[length];
                var written = IronCiphers.Decrypt(key, ciphertext.AsSpan(0, length), iv, decrypted, direct);
                Assert.Equal(plaintext, decrypted[..written]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Encrypt_ManyThreadsUnderOneKey_EachAsOneShotAesCbc(bool direct)
    {
        Cbc(direct);
        // Each thread runs its own encryptor: seals on other threads never move a thread's chain.
        var key = RandomNumberGenerator.GetBytes(32);
        var wrong = new int[4];
        await Task.WhenAll(Enumerable.Range(0, wrong.Length).Select(thread => Task.Factory.StartNew(() =>
        {
            using var aes = Aes.Create();
            aes.Key = key;
            for (var i = 0; i < 2_000; i++)
            {
                var iv = RandomNumberGenerator.GetBytes(16);
                var plaintext = RandomNumberGenerator.GetBytes((i * 7) % 100);
                var ciphertext = new byte[IronCiphers.CiphertextLength(plaintext.Length)];
                var length = IronCiphers.Encrypt(key, plaintext, iv, ciphertext, direct);
                if (!aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7).AsSpan().SequenceEqual(ciphertext.AsSpan(0, length)))
                {
                    wrong[thread]++;
                }
            }
        }, TaskCreationOptions.LongRunning)));

        Assert.All(wrong, count => Assert.Equal(0, count));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Decrypt_UnderAnotherKey_FailsAsAesDoes(bool direct)
    {
        Cbc(direct);
        var key = RandomNumberGenerator.GetBytes(32);
        var other = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(16);
        var plaintext = "{\"user\":\"ada\"}"u8.ToArray();
        var ciphertext = new byte[IronCiphers.CiphertextLength(plaintext.Length)];
        var length = IronCiphers.Encrypt(key, plaintext, iv, ciphertext, direct);

        // A wrong key almost always breaks the padding; when it does not, the plaintext differs.
        var destination = new byte[length];
        var error = Record.Exception(() => IronCiphers.Decrypt(other, ciphertext.AsSpan(0, length), iv, destination, direct));
        if (error is null)
        {
            Assert.NotEqual(plaintext, destination[..plaintext.Length]);
        }
        else
        {
            Assert.IsAssignableFrom<CryptographicException>(error);
        }
    }

    [Fact]
    public void Mac_TwoKeysTakingTurns_KeepTheirPads()
    {
        // A read under an older pair of salts and a write under the current one, request after request.
        var sha = Sha(direct: true)!;
        var read = RandomNumberGenerator.GetBytes(32);
        var write = RandomNumberGenerator.GetBytes(32);
        var readPads = IronCiphers.PadsFor(sha, read);
        var writePads = IronCiphers.PadsFor(sha, write);
        for (var request = 0; request < 3; request++)
        {
            Assert.Same(readPads, IronCiphers.PadsFor(sha, read));
            Assert.Same(writePads, IronCiphers.PadsFor(sha, write));
        }
    }

    [Fact]
    public void Mac_AThirdKey_WipesThePadsOfTheOldest()
    {
        // The dropped pads are as good as their key: nothing made with them may still depend on it.
        var sha = Sha(direct: true)!;
        var oldest = RandomNumberGenerator.GetBytes(32);
        var data = RandomNumberGenerator.GetBytes(64);
        var dropped = IronCiphers.PadsFor(sha, oldest);
        IronCiphers.PadsFor(sha, RandomNumberGenerator.GetBytes(32));
        var kept = new byte[32];
        dropped.Compute(data, kept);
        Assert.Equal(HMACSHA256.HashData(oldest, data), kept);

        IronCiphers.PadsFor(sha, RandomNumberGenerator.GetBytes(32));

        var afterWipe = new byte[32];
        dropped.Compute(data, afterWipe);
        Assert.NotEqual(HMACSHA256.HashData(oldest, data), afterWipe);
        Assert.NotSame(dropped, IronCiphers.PadsFor(sha, oldest));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Mac_ThreeKeysInTurn_EachGivesItsOwnHmac(bool direct)
    {
        // More keys than the thread keeps: each dropped key's pads are wiped, and none of them may be one still used.
        var sha = Sha(direct);
        var keys = new[] { RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32) };
        var data = RandomNumberGenerator.GetBytes(64);
        Span<byte> hash = stackalloc byte[32];
        foreach (var i in new[] { 0, 1, 2, 0, 1, 2, 2, 1, 0, 1, 0, 2 })
        {
            IronCiphers.Mac(keys[i], data, hash, sha);
            Assert.Equal(HMACSHA256.HashData(keys[i], data), hash.ToArray());
        }
    }

    [Fact]
    public void Mac_PathsTakingTurnsOnOneThread_EachGivesTheKeysHmac()
    {
        // Each path keeps its own keyed instance: one path's key must never pass for the other's.
        var sha = Sha(direct: true);
        var first = RandomNumberGenerator.GetBytes(32);
        var second = RandomNumberGenerator.GetBytes(32);
        var data = RandomNumberGenerator.GetBytes(100);
        Span<byte> hash = stackalloc byte[32];
        foreach (var (key, path) in new[] { (first, (OpenSslSha.Sha?)null), (second, sha), (second, null), (first, sha), (first, null) })
        {
            IronCiphers.Mac(key, data, hash, path);
            Assert.Equal(HMACSHA256.HashData(key, data), hash.ToArray());
        }
    }

    /// <summary>OpenSSL's SHA-256 for the direct path, none for .NET's; the direct path skipped where OpenSSL is not called directly.</summary>
    private static OpenSslSha.Sha? Sha(bool direct)
    {
        var sha = OpenSslSha.For(HashAlgorithmName.SHA256);
        Assert.SkipWhen(direct && sha is null, "OpenSSL's SHA-256 is not called directly here (not Linux, or switched off).");
        return direct ? sha : null;
    }

    private static void Cbc(bool direct)
        => Assert.SkipWhen(direct && !OpenSslCbc.IsAvailable, "OpenSSL's AES-CBC is not called directly here (not Linux, or switched off).");
}
