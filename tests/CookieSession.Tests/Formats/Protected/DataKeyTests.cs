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
