using System.Security.Cryptography;
using CookieSession.Crypto;

namespace CookieSession.Tests.Crypto;

/// <summary>PBKDF2 over pre-hashed password pads: the key .NET's PBKDF2 derives, for every salt, length and iteration count.</summary>
public sealed class Pbkdf2Tests
{
    [Theory]
    [InlineData("SHA1")]
    [InlineData("SHA256")]
    public void Derive_EqualsDotNets(string name)
    {
        var algorithm = new HashAlgorithmName(name);
        var sha = OpenSslSha.For(algorithm);
        Assert.SkipWhen(sha is null, $"OpenSSL's {name} is not called directly here (not Linux, or switched off).");
        foreach (var passwordLength in new[] { 0, 5, 32, 64, 65, 100 })
        {
            var password = Bytes(passwordLength, seed: passwordLength);
            var pads = new HmacPads(sha!, password);
            foreach (var saltLength in new[] { 0, 1, 16, 55, 56, 64, 300 })
            {
                var salt = Bytes(saltLength, seed: 1000 + saltLength);
                foreach (var iterations in new[] { 1, 2, 3, 1000 })
                {
                    foreach (var keyLength in new[] { 1, 19, 20, 32, 41, 64 })
                    {
                        var key = new byte[keyLength];
                        Pbkdf2.Derive(pads, salt, iterations, key);
                        Assert.True(
                            Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, algorithm, keyLength).AsSpan().SequenceEqual(key),
                            $"{name}: password {passwordLength} B, salt {saltLength} B, {iterations} iterations, key {keyLength} B");
                    }
                }
            }
        }
    }

    [Fact]
    public void Derive_NoIterations_IsRefused()
    {
        var sha = OpenSslSha.For(HashAlgorithmName.SHA1);
        Assert.SkipWhen(sha is null, "OpenSSL's SHA-1 is not called directly here (not Linux, or switched off).");

        Assert.Throws<ArgumentOutOfRangeException>(() => Pbkdf2.Derive(new HmacPads(sha!, [1]), [2], 0, new byte[32]));
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
