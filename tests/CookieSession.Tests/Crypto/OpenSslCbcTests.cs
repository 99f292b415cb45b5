using System.Security.Cryptography;
using CookieSession.Crypto;
using CookieSession.Tests.Infrastructure;

namespace CookieSession.Tests.Crypto;

/// <summary>
/// AES-256-CBC with PKCS#7 through OpenSSL directly: what .NET's <see cref="Aes"/> makes, for every length and after
/// keying anew, and a padding that does not hold refused with the output wiped.
/// </summary>
public sealed class OpenSslCbcTests
{
    [Fact]
    public void OnLinux_EncryptsThroughOpenSsl()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "OpenSSL's AES-CBC is called directly only on Linux; elsewhere it is .NET's Aes.");
        MissingComponent.SkipOrFail(OpenSslCbc.IsAvailable ? null : "This libcrypto does not export the EVP AES-CBC functions, or is in FIPS mode.");
    }

    [Fact]
    public void EncryptAndDecrypt_EqualDotNets_ForEveryLength_KeyedAnewBetween()
    {
        Available();
        var keys = new[] { Bytes(32, seed: 1), Bytes(32, seed: 2) };
        using var context = new OpenSslCbc.Context();
        foreach (var length in Enumerable.Range(0, 70).Concat([255, 256, 257, 5000]))
        {
            // The key changes at every message, and an array with the same bytes counts as another key.
            var key = length % 3 == 2 ? (byte[])keys[0].Clone() : keys[length % 2];
            using var aes = Aes.Create();
            aes.Key = key;
            var iv = Bytes(16, seed: length + 10);
            var plaintext = Bytes(length, seed: length);
            var expected = aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);

            var ciphertext = new byte[OpenSslCbc.CiphertextLength(length)];
            Assert.Equal(expected.Length, context.Encrypt(key, iv, plaintext, ciphertext));
            Assert.Equal(expected, ciphertext);

            var opened = new byte[ciphertext.Length + OpenSslCbc.BlockBytes];
            Assert.True(context.TryDecrypt(key, iv, ciphertext, opened, out var written));
            Assert.Equal(plaintext, opened[..written]);
        }
    }

    [Fact]
    public void TryDecrypt_BadPaddingOrLength_IsRefused_WithTheOutputWiped_AndTheNextMessageStillOpens()
    {
        Available();
        var key = Bytes(32, seed: 3);
        var iv = Bytes(16, seed: 4);
        using var context = new OpenSslCbc.Context();
        var plaintext = Bytes(40, seed: 5);
        var ciphertext = new byte[OpenSslCbc.CiphertextLength(plaintext.Length)];
        context.Encrypt(key, iv, plaintext, ciphertext);
        using var aes = Aes.Create();
        aes.Key = key;

        // A last block padded with zeros, a ciphertext cut short of a block, and none at all.
        var zeroPadded = aes.EncryptCbc(new byte[32], iv, PaddingMode.None);
        foreach (var bad in new[] { zeroPadded, ciphertext[..15], ciphertext[..47], [] })
        {
            var opened = Enumerable.Repeat((byte)0xEE, 80).ToArray();
            Assert.False(context.TryDecrypt(key, iv, bad, opened, out var written));
            Assert.Equal(0, written);
            Assert.All(opened, b => Assert.Equal(0, b));

            var again = new byte[80];
            Assert.True(context.TryDecrypt(key, iv, ciphertext, again, out var length));
            Assert.Equal(plaintext, again[..length]);
        }
    }

    [Theory]
    [InlineData(32, 15, 48)]
    [InlineData(32, 16, 47)]
    [InlineData(16, 16, 48)]
    public void WrongSizes_AreRefused(int keyLength, int ivLength, int destinationLength)
    {
        Available();

        Assert.Throws<ArgumentException>(() =>
        {
            using var context = new OpenSslCbc.Context();
            context.Encrypt(new byte[keyLength], new byte[ivLength], new byte[40], new byte[destinationLength]);
        });
    }

    [Fact]
    public void TryDecrypt_DestinationWithoutABlockToSpare_IsRefused()
    {
        Available();
        using var context = new OpenSslCbc.Context();

        Assert.Throws<ArgumentException>(() => context.TryDecrypt(new byte[32], new byte[16], new byte[32], new byte[47], out _));
    }

    private static void Available()
        => Assert.SkipUnless(OpenSslCbc.IsAvailable, "OpenSSL's AES-CBC is not called directly here (not Linux, or switched off).");

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
