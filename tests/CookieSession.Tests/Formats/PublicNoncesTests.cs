using System.Collections.Concurrent;
using CookieSession.Formats;

namespace CookieSession.Tests.Formats;

/// <summary>Nonces drawn a block at a time are still never handed out twice, on one thread or across threads.</summary>
public sealed class PublicNoncesTests
{
    [Fact]
    public void Fill_ManyNoncesOnManyThreads_NoneRepeats()
    {
        var seen = new ConcurrentDictionary<string, bool>();
        var repeats = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                // Twelve-byte GCM nonces and sixteen-byte IVs taking turns, so that blocks run out mid-nonce.
                var length = i % 3 == 0 ? 16 : 12;
                var drawn = new byte[length];
                PublicNonces.Fill(drawn);
                if (!seen.TryAdd(Convert.ToHexString(drawn), true))
                {
                    Interlocked.Increment(ref repeats);
                }
            }
        });

        Assert.Equal(0, repeats);
        Assert.Equal(8 * 5_000, seen.Count);
    }

    [Fact]
    public void Fill_LongerThanABlockTakes_IsFilledWhole()
    {
        var drawn = new byte[4096];

        PublicNonces.Fill(drawn);

        // Every part was written: 256 random bytes are all zero with probability 2^-2048.
        Assert.All(drawn.Chunk(256), part => Assert.Contains(part, b => b != 0));
    }
}
