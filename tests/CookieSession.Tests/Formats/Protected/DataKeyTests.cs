using System.Security.Cryptography;
using System.Text;
using CookieSession.Formats.Protected;

namespace CookieSession.Tests.Formats.Protected;

/// <summary>The data key seals and opens from many threads at once without a lock: no instance is ever shared.</summary>
public sealed class DataKeyTests
{
    [Fact]
    public async Task SealAndOpen_FromMoreThreadsThanThePoolHolds_EveryValueRoundTrips()
    {
        var key = new DataKey(RandomNumberGenerator.GetBytes(DataKey.KeySize), [], generation: null, requiresMigration: false);
        var threads = (4 * Environment.ProcessorCount) + 8;
        using var start = new Barrier(threads);

        var failures = await Task.WhenAll(Enumerable.Range(0, threads).Select(thread => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            var wrong = 0;
            for (var i = 0; i < 500; i++)
            {
                var plaintext = Encoding.UTF8.GetBytes($"{{\"thread\":{thread},\"i\":{i},\"pad\":\"{new string('x', (thread * 7) + (i % 50))}\"}}");
                var nonce = RandomNumberGenerator.GetBytes(DataKey.NonceSize);
                var sealedBytes = new byte[plaintext.Length];
                var tag = new byte[DataKey.TagSize];
                key.Encrypt(nonce, plaintext, sealedBytes, tag, "aad"u8);
                var opened = new byte[plaintext.Length];
                if (!key.TryDecrypt(nonce, sealedBytes, tag, opened, "aad"u8) || !opened.AsSpan().SequenceEqual(plaintext))
                {
                    wrong++;
                }
            }

            return wrong;
        }, TaskCreationOptions.LongRunning)));

        Assert.All(failures, wrong => Assert.Equal(0, wrong));
        Assert.InRange(key.PooledCount, 1, DataKey.PoolSize);
    }

    [Fact]
    public async Task SealAndOpen_ThreadsOneAfterAnother_ShareOneInstance()
    {
        // Each thread has its own home slot, mostly not the one the key's first instance sits in: a thread finding its
        // home empty takes another slot's instance rather than keying a new one.
        var key = new DataKey(RandomNumberGenerator.GetBytes(DataKey.KeySize), [], generation: null, requiresMigration: false);
        var plaintext = "{\"name\":\"Ada Lovelace\"}"u8.ToArray();
        for (var thread = 0; thread < 2 * DataKey.PoolSize; thread++)
        {
            await Task.Factory.StartNew(() =>
            {
                var nonce = RandomNumberGenerator.GetBytes(DataKey.NonceSize);
                var sealedBytes = new byte[plaintext.Length];
                var tag = new byte[DataKey.TagSize];
                var opened = new byte[plaintext.Length];
                key.Encrypt(nonce, plaintext, sealedBytes, tag, default);
                Assert.True(key.TryDecrypt(nonce, sealedBytes, tag, opened, default));
                Assert.Equal(plaintext, opened);
            }, TaskCreationOptions.LongRunning);
        }

        Assert.Equal(1, key.PooledCount);
    }

    [Fact]
    public void TryReserve_ManyThreads_NeverMoreThanMaxUsesInAll()
    {
        // Threads reserve uses in blocks: what they are granted together never passes the key's limit, and a thread
        // that seals until refused uses up every block it took.
        var key = new DataKey(RandomNumberGenerator.GetBytes(DataKey.KeySize), [], generation: null, requiresMigration: false);
        var granted = new long[4];
        Parallel.For(0, granted.Length, new ParallelOptions { MaxDegreeOfParallelism = granted.Length }, thread =>
        {
            while (key.TryReserve())
            {
                granted[thread]++;
            }
        });

        Assert.Equal(DataKey.MaxUses, granted.Sum());
        Assert.False(key.TryReserve());
    }

    [Fact]
    public void TryDecrypt_WrongTag_IsFalse_AndTheKeyStillOpens()
    {
        var key = new DataKey(RandomNumberGenerator.GetBytes(DataKey.KeySize), [], generation: null, requiresMigration: false);
        var plaintext = "{\"name\":\"Ada Lovelace\"}"u8.ToArray();
        var nonce = RandomNumberGenerator.GetBytes(DataKey.NonceSize);
        var sealedBytes = new byte[plaintext.Length];
        var tag = new byte[DataKey.TagSize];
        key.Encrypt(nonce, plaintext, sealedBytes, tag, default);
        var forged = (byte[])tag.Clone();
        forged[0] ^= 1;
        var opened = new byte[plaintext.Length];

        Assert.False(key.TryDecrypt(nonce, sealedBytes, forged, opened, default));
        Assert.True(key.TryDecrypt(nonce, sealedBytes, tag, opened, default));
        Assert.Equal(plaintext, opened);
    }
}
