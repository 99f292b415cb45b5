using System.Security.Cryptography;
using System.Text;
using CookieSession.Crypto;
using CookieSession.Signing;
using CookieSession.Tests.Infrastructure;

namespace CookieSession.Tests.Crypto;

/// <summary>
/// HMACs from pre-hashed pads over OpenSSL's own SHA functions: the same MAC as .NET's HMAC for every key and message
/// length, the published test vectors, and the .NET fallback where the pads are not used.
/// </summary>
public sealed class HmacPadsTests
{
    public static TheoryData<string> Algorithms => new() { "SHA1", "SHA256" };

    [Fact]
    public void OnLinux_BothHashesComeFromOpenSsl()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "OpenSSL's hashes are called directly only on Linux; elsewhere every MAC is .NET's.");
        MissingComponent.SkipOrFail(
            OpenSslSha.For(HashAlgorithmName.SHA256) is null ? "This libcrypto does not export SHA256_Init, SHA256_Update and SHA256_Final, or is in FIPS mode." : null);

        Assert.NotNull(OpenSslSha.For(HashAlgorithmName.SHA1));
        Assert.True(new KeyedHmacs(HashAlgorithmName.SHA256, [[1, 2, 3]]).UsesPads);
    }

    [Fact]
    public void FunctionsThatDisagreeWithDotNet_AreNotUsed()
    {
        Sha("SHA256");

        // SHA-224 starts from other initial values: the HMAC it makes differs from .NET's HMAC-SHA256.
        Assert.Null(OpenSslSha.Checked(HashAlgorithmName.SHA256, 32, "SHA224_Init", "SHA256_Update", "SHA256_Final"));
        Assert.Null(OpenSslSha.Checked(HashAlgorithmName.SHA256, 32, "SHA256_Init_Missing", "SHA256_Update", "SHA256_Final"));
        Assert.NotNull(OpenSslSha.Checked(HashAlgorithmName.SHA256, 32, "SHA256_Init", "SHA256_Update", "SHA256_Final"));
    }

    [Fact]
    public void DestinationLongerThanTheMac_KeepsItsTail()
    {
        var pads = new HmacPads(Sha("SHA256"), [1, 2, 3]);
        var destination = Enumerable.Repeat((byte)0xEE, 64).ToArray();

        pads.Compute([4, 5, 6], destination);

        Assert.Equal(HMACSHA256.HashData([1, 2, 3], [4, 5, 6]), destination[..32]);
        Assert.All(destination[32..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void Wipe_LeavesPadsThatNoLongerMakeTheMac()
    {
        var pads = new HmacPads(Sha("SHA256"), [1, 2, 3]);

        pads.Wipe();

        var mac = new byte[32];
        pads.Compute([4, 5, 6], mac);
        Assert.NotEqual(HMACSHA256.HashData([1, 2, 3], [4, 5, 6]), mac);
    }

    [Fact]
    public void OtherHashes_AreLeftToDotNet()
    {
        Assert.Null(OpenSslSha.For(HashAlgorithmName.SHA384));
        Assert.Null(OpenSslSha.For(HashAlgorithmName.SHA512));
        Assert.False(new KeyedHmacs(HashAlgorithmName.SHA512, [[1, 2, 3]]).UsesPads);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Mac_EqualsDotNets_ForEveryKeyAndMessageLength(string name)
    {
        var sha = Sha(name);
        var algorithm = sha.Algorithm;
        foreach (var keyLength in new[] { 0, 1, 20, 32, 63, 64, 65, 131 })
        {
            var key = Bytes(keyLength, seed: keyLength + 1);
            var pads = new HmacPads(sha, key);
            foreach (var messageLength in Enumerable.Range(0, 300).Append(5000))
            {
                var message = Bytes(messageLength, seed: messageLength);
                var mac = new byte[pads.HashBytes];
                pads.Compute(message, mac);
                Assert.True(
                    CryptographicOperations.HmacData(algorithm, key, message).AsSpan().SequenceEqual(mac),
                    $"{name}: key of {keyLength} bytes, message of {messageLength}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void LongMessage_HashedInSlices_GivesTheMacOfTheWhole(string name)
    {
        // One native call hashes at most a slice: messages on either side of the slices' edges, and one about as long
        // as the longest iron-session seal (four chunks of up to 8 KB), which is hashed before its MAC is checked.
        const int Slice = OpenSslSha.UpdateSlice;
        var sha = Sha(name);
        var key = Bytes(32, seed: 9);
        var pads = new HmacPads(sha, key);
        foreach (var length in new[] { Slice - 1, Slice, Slice + 1, 2 * Slice, (2 * Slice) + 63, (32 * 1024) + 5 })
        {
            var message = Bytes(length, seed: length);
            var mac = new byte[pads.HashBytes];
            pads.Compute(message, mac);
            Assert.True(
                CryptographicOperations.HmacData(sha.Algorithm, key, message).AsSpan().SequenceEqual(mac),
                $"{name}: message of {length} bytes");
        }
    }

    [Theory]
    [InlineData("SHA256", "Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")]
    [InlineData("SHA1", "Jefe", "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")]
    public void Mac_MatchesThePublishedVectors(string name, string key, string message, string expected)
    {
        // RFC 4231's and RFC 2202's second test case.
        var pads = new HmacPads(Sha(name), Encoding.ASCII.GetBytes(key));
        var mac = new byte[pads.HashBytes];

        pads.Compute(Encoding.ASCII.GetBytes(message), mac);

        Assert.Equal(expected, Convert.ToHexStringLower(mac));
    }

    [Theory]
    [InlineData("SHA256", 131, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")]
    [InlineData("SHA1", 80, "aa4ae5e15272d00e95705637ce8a3b55ed402112")]
    public void KeyLongerThanABlock_IsHashedFirst(string name, int keyLength, string expected)
    {
        // RFC 4231's sixth test case and RFC 2202's sixth: a key of 0xaa bytes longer than the hash's block.
        var key = Enumerable.Repeat((byte)0xaa, keyLength).ToArray();
        var pads = new HmacPads(Sha(name), key);
        var mac = new byte[pads.HashBytes];

        pads.Compute("Test Using Larger Than Block-Size Key - Hash Key First"u8, mac);

        Assert.Equal(expected, Convert.ToHexStringLower(mac));
    }

    [Fact]
    public void DestinationShorterThanTheMac_IsRefused()
    {
        var pads = new HmacPads(Sha("SHA256"), [1, 2, 3]);

        Assert.Throws<ArgumentException>(() => pads.Compute([4, 5, 6], new byte[31]));
    }

    [Fact]
    public void ManyThreads_ShareOneKey_EachGettingItsOwnMac()
    {
        var key = Bytes(32, seed: 7);
        var pads = new HmacPads(Sha("SHA256"), key);

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var message = Bytes(i % 700, seed: i);
            var mac = new byte[32];
            pads.Compute(message, mac);
            Assert.Equal(HMACSHA256.HashData(key, message), mac);
        });
    }

    [Theory]
    [InlineData("SHA1")]
    [InlineData("SHA256")]
    [InlineData("SHA384")]
    [InlineData("SHA512")]
    public void KeyedHmacs_GiveTheSameMac_FromPadsOrFromDotNet(string name)
    {
        var algorithm = new HashAlgorithmName(name);
        byte[][] keys = [Bytes(16, seed: 1), Bytes(100, seed: 2)];
        var fromDotNet = new KeyedHmacs(algorithm, keys, sha: null);
        var usual = new KeyedHmacs(algorithm, keys);
        var message = Bytes(217, seed: 3);

        for (var index = 0; index < keys.Length; index++)
        {
            var expected = CryptographicOperations.HmacData(algorithm, keys[index], message);
            var viaDotNet = new byte[expected.Length];
            var viaUsual = new byte[expected.Length];
            fromDotNet.Compute(index, message, viaDotNet);
            usual.Compute(index, message, viaUsual);
            Assert.Equal(expected, viaDotNet);
            Assert.Equal(expected, viaUsual);
        }

        Assert.False(fromDotNet.UsesPads);
    }

    private static OpenSslSha.Sha Sha(string name)
    {
        var sha = OpenSslSha.For(new HashAlgorithmName(name));
        Assert.SkipWhen(sha is null, $"OpenSSL's {name} is not called directly here (not Linux, or no libcrypto exporting it).");
        return sha!;
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
