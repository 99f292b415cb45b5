using System.Diagnostics;
using System.Globalization;

namespace CookieSession.LoadServer;

/// <summary>
/// Work of a known kind added to the same-headers endpoint, to tell what the load itself does to each kind of work:
/// short-lived garbage (which the runtime must clear, and which passes through the caches) or arithmetic on registers
/// alone. Each also timed in a loop in the server's process, as a micro-benchmark would time it.
/// </summary>
internal static class LoadControls
{
    /// <summary>The most either control does a request, so that no request can tie the server up.</summary>
    private const int MaxAmount = 1_000_000;

    /// <summary>
    /// About <paramref name="kilobytes"/> KB of garbage in a write's shapes, each KB a string of 240 characters, an
    /// array of 400 bytes and one of six references, all dead at once.
    /// </summary>
    public static void Garbage(int kilobytes)
    {
        for (var i = 0; i < kilobytes; i++)
        {
            GC.KeepAlive(new string('x', 240));
            GC.KeepAlive(new byte[400]);
            GC.KeepAlive(new object[6]);
        }
    }

    /// <summary><paramref name="steps"/> steps of a xorshift generator: arithmetic that touches no memory.</summary>
    public static ulong Spin(int steps)
    {
        var x = 88172645463325252UL;
        for (var i = 0; i < steps; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }

        return x;
    }

    /// <summary>The amount a request names in <paramref name="name"/>, or <paramref name="fallback"/>; within 0 to <see cref="MaxAmount"/>.</summary>
    public static int Amount(HttpRequest request, string name, int fallback)
        => int.TryParse(request.Query[name], NumberStyles.None, CultureInfo.InvariantCulture, out var amount) ? Math.Min(amount, MaxAmount) : fallback;

    /// <summary>What <paramref name="work"/> costs a call in a loop, after a warm-up: the figure a micro-benchmark gives.</summary>
    public static string TimeInLoop(Func<ulong> work)
    {
        const int WarmUp = 20_000, Timed = 200_000;
        ulong sink = 0;

        // Pauses between the warm-up's rounds let tiered compilation's background thread, on the server's one core,
        // compile the loop's code at its final tier before it is timed.
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < WarmUp; i++)
            {
                sink += work();
            }

            Thread.Sleep(200);
        }

        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < Timed; i++)
        {
            sink += work();
        }

        var nanoseconds = Stopwatch.GetElapsedTime(start).TotalNanoseconds / Timed;
        GC.KeepAlive(sink);
        return string.Create(CultureInfo.InvariantCulture, $"{nanoseconds:F0} ns a call in a loop");
    }
}
