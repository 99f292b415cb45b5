using System.Collections.Concurrent;
using System.Text;
using CookieSession.Formats;
using CookieSession.Formats.Iron;

namespace CookieSession.Tests.Formats.Iron;

/// <summary>
/// <see cref="IronKeys"/> shared by concurrent requests: salts drawn anew while others seal, and the kept keys
/// cleared while others read them. No seal may go out with keys that are not its salts', and none may fail to open.
/// </summary>
public sealed class IronKeysConcurrencyTests
{
    private const string Password = "a password of at least thirty-two characters";
    private const string OldPassword = "the password before, also thirty-two characters";

    [Fact]
    public void ForSealing_ConcurrentlyAcrossRenewals_NoSaltsServeMoreThanSealsPerSalt()
    {
        var keys = new IronKeys(Passwords());
        var served = new ConcurrentDictionary<IronKeys.Salts, int>(ReferenceEqualityComparer.Instance);
        const int Threads = 4;
        var perThread = (IronKeys.SealsPerSalt * 5 / 2) / Threads;

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
        {
            for (var i = 0; i < perThread; i++)
            {
                served.AddOrUpdate(keys.ForSealing(), 1, (_, n) => n + 1);
            }
        });

        Assert.Equal(Threads * perThread, served.Values.Sum());
        Assert.All(served.Values, n => Assert.InRange(n, 1, IronKeys.SealsPerSalt));
        // Three runs of salts; a thread that finds the run used up while another renews it seals once with its own.
        Assert.InRange(served.Count, 3, 3 + (2 * Threads));
        var password = Encoding.UTF8.GetBytes(Password);
        Assert.All(served.Keys, salts =>
        {
            Assert.Equal(Derive(password, salts.EncryptionSalt), salts.EncryptionKey);
            Assert.Equal(Derive(password, salts.HmacSalt), salts.HmacKey);
        });
    }

    [Fact]
    public void SealAndUnseal_WhileForeignSealsClearTheKeptKeys_EverySealOpens()
    {
        var passwords = Passwords();
        var keys = new IronKeys(passwords);
        var old = Encoding.UTF8.GetBytes(OldPassword);
        var failures = new ConcurrentBag<string>();

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            for (var i = 0; i < 400; i++)
            {
                var json = Encoding.UTF8.GetBytes($"{{\"w\":{worker},\"i\":{i}}}");

                // Node's way (fresh salts every seal, under the older password) fills the kept keys past their bound.
                var seal = worker % 2 == 0
                    ? IronSeal.Seal(json, keys, passwords.CurrentIdText, null)
                    : IronSeal.Seal(json, old, "1", null);
                var rejection = IronSeal.TryUnseal(seal, passwords, keys, DateTimeOffset.UtcNow, out var opened, out var length, out _);
                if (rejection != SessionCookieRejection.None || !json.AsSpan().SequenceEqual(opened.AsSpan(0, length)))
                {
                    failures.Add($"{worker}/{i}: {rejection}");
                }
            }
        });

        Assert.Empty(failures);
        // Bounded (a few over while threads add at once).
        Assert.InRange(keys.KeptCount(1), 0, 256 + 4);
        Assert.InRange(keys.KeptCount(2), 0, 256 + 4);
    }

    private static byte[] Derive(byte[] password, string salt)
        => System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(password, Encoding.UTF8.GetBytes(salt), 1, System.Security.Cryptography.HashAlgorithmName.SHA1, 32);

    private static IronPasswords Passwords() => new(new Dictionary<int, string> { [1] = OldPassword, [2] = Password });
}
