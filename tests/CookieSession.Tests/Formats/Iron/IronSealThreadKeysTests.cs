using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CookieSession.Formats;
using CookieSession.Formats.Iron;

namespace CookieSession.Tests.Formats.Iron;

/// <summary>
/// Seals made with the thread's kept AES and HMAC: each is what iron-webcrypto would make of its salts, IV and
/// password (checked here with fresh primitives), and no seal opens under a password that did not make it, however
/// the keys of several apps take turns on the same threads.
/// </summary>
public sealed class IronSealThreadKeysTests
{
    private const string PasswordA = "the first app's password, thirty-two characters or more";
    private const string PasswordB = "the second app's password, thirty-two characters or more";

    [Fact]
    public void Seal_ThroughTheThreadsKeys_OpensWithFreshPrimitivesAsIronWebcryptoDoes()
    {
        var passwords = new IronPasswords(new Dictionary<int, string> { [1] = PasswordA });
        var keys = new IronKeys(passwords);
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_000_123);
        for (var length = 0; length < 70; length++)
        {
            var json = Encoding.UTF8.GetBytes("{\"a\":\"" + new string('é', length) + "\"}");
            var seal = IronSeal.Seal(json, keys, passwords.CurrentIdText, length % 2 == 0 ? expires : null);

            var parts = seal.Split('*');
            Assert.Equal(8, parts.Length);
            Assert.Equal(["Fe26.2", "1"], parts[..2]);
            Assert.Equal(length % 2 == 0 ? "1900000000123" : string.Empty, parts[5]);
            var password = Encoding.UTF8.GetBytes(PasswordA);
            var macBase = Encoding.ASCII.GetBytes(string.Join('*', parts[..6]));
            var mac = HMACSHA256.HashData(Rfc2898DeriveBytes.Pbkdf2(password, Encoding.UTF8.GetBytes(parts[6]), 1, HashAlgorithmName.SHA1, 32), macBase);
            Assert.Equal(Base64Url.EncodeToString(mac), parts[7]);
            using var aes = Aes.Create();
            aes.Key = Rfc2898DeriveBytes.Pbkdf2(password, Encoding.UTF8.GetBytes(parts[2]), 1, HashAlgorithmName.SHA1, 32);
            Assert.Equal(json, aes.DecryptCbc(Base64Url.DecodeFromChars(parts[4]), Base64Url.DecodeFromChars(parts[3]), PaddingMode.PKCS7));
        }
    }

    [Fact]
    public void Decrypt_AfterTheThreadsCipherFailedOnBadInput_StillOpensGoodCiphertext()
    {
        // A seal whose MAC holds can still carry a ciphertext that does not decrypt (a server sharing the password
        // wrote it badly); the kept cipher must come out of each failure as good as new.
        // Fixed, so that the tampered block's padding is wrong on every run, not almost every run.
        var key = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();
        var iv = Enumerable.Range(1, 16).Select(i => (byte)(i * 13)).ToArray();
        var plaintext = "{\"user\":\"ada\"}"u8.ToArray();
        var ciphertext = new byte[IronCiphers.CiphertextLength(plaintext.Length)];
        var length = IronCiphers.Encrypt(key, plaintext, iv, ciphertext);
        var destination = new byte[64];

        foreach (var bad in new[] { ciphertext[..15], ciphertext[..length].Select((b, i) => i == length - 1 ? (byte)(b ^ 0x5A) : b).ToArray(), [] })
        {
            Assert.ThrowsAny<CryptographicException>(() => IronCiphers.Decrypt(key, bad, iv, destination));
            var written = IronCiphers.Decrypt(key, ciphertext.AsSpan(0, length), iv, destination);
            Assert.Equal(plaintext, destination[..written]);
            var again = new byte[ciphertext.Length];
            Assert.Equal(ciphertext[..length], again[..IronCiphers.Encrypt(key, plaintext, iv, again)]);
        }
    }

    [Fact]
    public void SealAndUnseal_TwoAppsTakingTurnsOnTheSameThreads_NoSealOpensUnderTheOtherPassword()
    {
        // Same id, other password: only the MAC (under the right key) tells them apart.
        var a = new IronPasswords(new Dictionary<int, string> { [1] = PasswordA });
        var b = new IronPasswords(new Dictionary<int, string> { [1] = PasswordB });
        var keysA = new IronKeys(a);
        var keysB = new IronKeys(b);
        var failures = new ConcurrentBag<string>();

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            for (var i = 0; i < 300; i++)
            {
                var json = Encoding.UTF8.GetBytes($"{{\"w\":{worker},\"i\":{i}}}");
                var (mine, myKeys, other, otherKeys) = (i + worker) % 2 == 0 ? (a, keysA, b, keysB) : (b, keysB, a, keysA);
                var seal = IronSeal.Seal(json, myKeys, "1", null);

                var own = IronSeal.TryUnseal(seal, mine, myKeys, DateTimeOffset.UtcNow, out var opened, out var length, out _);
                if (own != SessionCookieRejection.None || !json.AsSpan().SequenceEqual(opened.AsSpan(0, length)))
                {
                    failures.Add($"{worker}/{i}: own {own}");
                }

                // The other app, having just used its own keys on this thread, must refuse it.
                var foreign = IronSeal.TryUnseal(seal, other, otherKeys, DateTimeOffset.UtcNow, out _, out _, out _);
                if (foreign != SessionCookieRejection.BadSignature)
                {
                    failures.Add($"{worker}/{i}: foreign {foreign}");
                }

                // A reader with nothing derived yet (another server) opens it too.
                if (IronSeal.TryUnseal(seal, mine, DateTimeOffset.UtcNow, out _, out _, out _) != SessionCookieRejection.None)
                {
                    failures.Add($"{worker}/{i}: fresh reader");
                }
            }
        });

        Assert.Empty(failures);
    }
}
