using System.Security.Cryptography;
using CookieSession.Crypto;
using CookieSession.Tests.Infrastructure;

namespace CookieSession.Tests.Crypto;

/// <summary>
/// AES-256-GCM through OpenSSL directly: byte for byte what <see cref="AesGcm"/> seals, opening what it sealed and the
/// other way round, and refusing any changed byte with the output wiped, as <see cref="AesGcm"/> does.
/// </summary>
public sealed class GcmCipherTests
{
    private static readonly byte[] s_key = Bytes(OpenSslGcm.KeyBytes, seed: 1);
    private static readonly byte[] s_nonce = Bytes(OpenSslGcm.NonceBytes, seed: 2);

    public static TheoryData<bool> Paths => new() { true, false };

    [Fact]
    public void OnLinux_SealsThroughOpenSsl()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "OpenSSL's AES-GCM is called directly only on Linux; elsewhere every seal is .NET's AesGcm.");
        MissingComponent.SkipOrFail(OpenSslGcm.IsAvailable ? null : "This libcrypto does not export the EVP AES-GCM functions, or is in FIPS mode.");

        using var cipher = new GcmCipher(s_key);
        Assert.True(cipher.IsDirect);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Encrypt_EqualsAesGcm_ForEveryLength(bool direct)
    {
        using var cipher = Cipher(direct);
        using var reference = new AesGcm(s_key, OpenSslGcm.TagBytes);
        foreach (var aadLength in new[] { 0, 1, 40 })
        {
            var aad = Bytes(aadLength, seed: aadLength + 3);
            foreach (var length in Enumerable.Range(0, 100).Concat([255, 256, 257, 5000]))
            {
                var plaintext = Bytes(length, seed: length);
                var expected = new byte[length];
                var expectedTag = new byte[OpenSslGcm.TagBytes];
                reference.Encrypt(s_nonce, plaintext, expected, expectedTag, aad);

                var ciphertext = new byte[length];
                var tag = new byte[OpenSslGcm.TagBytes];
                cipher.Encrypt(s_nonce, plaintext, ciphertext, tag, aad);

                Assert.Equal(expected, ciphertext);
                Assert.Equal(expectedTag, tag);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Encrypt_InPlace_EqualsAesGcm(bool direct)
    {
        using var cipher = Cipher(direct);
        var plaintext = Bytes(217, seed: 9);
        var expected = new byte[plaintext.Length];
        var expectedTag = new byte[OpenSslGcm.TagBytes];
        using (var reference = new AesGcm(s_key, OpenSslGcm.TagBytes))
        {
            reference.Encrypt(s_nonce, plaintext, expected, expectedTag);
        }

        var buffer = (byte[])plaintext.Clone();
        var tag = new byte[OpenSslGcm.TagBytes];
        cipher.Encrypt(s_nonce, buffer, buffer, tag);

        Assert.Equal(expected, buffer);
        Assert.Equal(expectedTag, tag);
        Assert.True(cipher.TryDecrypt(s_nonce, buffer, tag, buffer));
        Assert.Equal(plaintext, buffer);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void TryDecrypt_OpensWhatAesGcmSealed_OneSealAfterAnother(bool direct)
    {
        using var cipher = Cipher(direct);
        using var reference = new AesGcm(s_key, OpenSslGcm.TagBytes);
        for (var i = 0; i < 50; i++)
        {
            var nonce = Bytes(OpenSslGcm.NonceBytes, seed: 100 + i);
            var aad = Bytes(i % 3 == 0 ? 0 : 17, seed: 200 + i);
            var plaintext = Bytes(150 + i, seed: 300 + i);
            var ciphertext = new byte[plaintext.Length];
            var tag = new byte[OpenSslGcm.TagBytes];
            reference.Encrypt(nonce, plaintext, ciphertext, tag, aad);

            var opened = new byte[plaintext.Length];
            Assert.True(cipher.TryDecrypt(nonce, ciphertext, tag, opened, aad));
            Assert.Equal(plaintext, opened);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void TryDecrypt_AnyChangedByte_IsRefused_WithTheOutputWiped(bool direct)
    {
        using var cipher = Cipher(direct);
        var aad = Bytes(9, seed: 5);
        var plaintext = Bytes(40, seed: 6);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[OpenSslGcm.TagBytes];
        cipher.Encrypt(s_nonce, plaintext, ciphertext, tag, aad);

        foreach (var part in new[] { ciphertext, tag, aad, (byte[])s_nonce.Clone() })
        {
            for (var i = 0; i < part.Length; i++)
            {
                part[i] ^= 0x20;
                var nonce = part.Length == OpenSslGcm.NonceBytes && part != tag ? part : s_nonce;
                var opened = Enumerable.Repeat((byte)0xEE, plaintext.Length).ToArray();

                Assert.False(cipher.TryDecrypt(nonce, ciphertext, tag, opened, aad), $"byte {i} of a part of {part.Length} bytes changed");
                Assert.All(opened, b => Assert.Equal(0, b));
                part[i] ^= 0x20;
            }
        }

        // Refusals leave nothing behind: the next open of the untouched seal succeeds.
        var again = new byte[plaintext.Length];
        Assert.True(cipher.TryDecrypt(s_nonce, ciphertext, tag, again, aad));
        Assert.Equal(plaintext, again);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Seal_AfterARefusedOpen_StillEqualsAesGcm(bool direct)
    {
        using var cipher = Cipher(direct);
        using var reference = new AesGcm(s_key, OpenSslGcm.TagBytes);
        var plaintext = Bytes(100, seed: 11);
        var aad = Bytes(12, seed: 12);
        for (var i = 0; i < 20; i++)
        {
            var nonce = Bytes(OpenSslGcm.NonceBytes, seed: 400 + i);
            var ciphertext = new byte[plaintext.Length];
            var tag = new byte[OpenSslGcm.TagBytes];
            cipher.Encrypt(nonce, plaintext, ciphertext, tag, aad);
            tag[i % tag.Length] ^= 1;
            Assert.False(cipher.TryDecrypt(nonce, ciphertext, tag, new byte[plaintext.Length], aad));

            // The next seal, under another nonce, is AesGcm's, associated data and all: nothing carried over.
            var next = Bytes(OpenSslGcm.NonceBytes, seed: 500 + i);
            var expected = new byte[plaintext.Length];
            var expectedTag = new byte[OpenSslGcm.TagBytes];
            reference.Encrypt(next, plaintext, expected, expectedTag, aad);
            cipher.Encrypt(next, plaintext, ciphertext, tag, aad);
            Assert.Equal(expected, ciphertext);
            Assert.Equal(expectedTag, tag);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void EmptyPlaintext_SealsToATagAlone_AndOpens(bool direct)
    {
        using var cipher = Cipher(direct);
        var aad = Bytes(8, seed: 13);
        var tag = new byte[OpenSslGcm.TagBytes];
        cipher.Encrypt(s_nonce, [], [], tag, aad);

        Assert.True(cipher.TryDecrypt(s_nonce, [], tag, [], aad));
        tag[0] ^= 1;
        Assert.False(cipher.TryDecrypt(s_nonce, [], tag, [], aad));
    }

    [Fact]
    public void KeyOtherThan256Bits_IsRefused_OnEitherPath()
    {
        Assert.Throws<ArgumentException>(() => new GcmCipher(new byte[16], direct: false));
        Assert.Throws<ArgumentException>(() => new GcmCipher(new byte[24], direct: OpenSslGcm.IsAvailable));
    }

    [Fact]
    public void DisposedContext_IsRefused_NotUsed()
    {
        Assert.SkipUnless(OpenSslGcm.IsAvailable, "OpenSSL's AES-GCM is not called directly here.");
        var context = new OpenSslGcm.Context(s_key);
        context.Dispose();

        Assert.Throws<ObjectDisposedException>(() => context.Encrypt(s_nonce, new byte[4], new byte[4], new byte[16], default));
    }

    [Theory]
    [InlineData(11, 16, 10, 10)]
    [InlineData(12, 15, 10, 10)]
    [InlineData(12, 16, 10, 9)]
    public void TryDecrypt_WrongSizes_AreRefused(int nonceLength, int tagLength, int inputLength, int outputLength)
    {
        Assert.SkipUnless(OpenSslGcm.IsAvailable, "OpenSSL's AES-GCM is not called directly here.");
        using var context = new OpenSslGcm.Context(s_key);

        Assert.Throws<ArgumentException>(() => context.TryDecrypt(new byte[nonceLength], new byte[inputLength], new byte[tagLength], new byte[outputLength], default));
    }

    [Theory]
    [InlineData(32, 11, 16, 10, 10)]
    [InlineData(32, 12, 15, 10, 10)]
    [InlineData(32, 12, 16, 10, 9)]
    [InlineData(16, 12, 16, 10, 10)]
    public void WrongSizes_AreRefused(int keyLength, int nonceLength, int tagLength, int inputLength, int outputLength)
    {
        Assert.SkipUnless(OpenSslGcm.IsAvailable, "OpenSSL's AES-GCM is not called directly here.");

        Assert.Throws<ArgumentException>(() =>
        {
            using var context = new OpenSslGcm.Context(new byte[keyLength]);
            context.Encrypt(new byte[nonceLength], new byte[inputLength], new byte[outputLength], new byte[tagLength], default);
        });
    }

    private static GcmCipher Cipher(bool direct)
    {
        Assert.SkipWhen(direct && !OpenSslGcm.IsAvailable, "OpenSSL's AES-GCM is not called directly here (not Linux, or switched off).");
        return new GcmCipher(s_key, direct);
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
