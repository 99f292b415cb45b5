using System.Diagnostics;
using System.Globalization;

namespace CookieSession.LoadServer;

/// <summary>
/// Work of a known kind added to the same-headers endpoint, to tell what the load itself does to each kind of work:
/// short-lived garbage, or arithmetic on registers alone. Each endpoint with none of its work is the reference of the
/// same endpoint with some, so that both parse the same query; each kind also timed in a loop in the server's process,
/// as a micro-benchmark would time it.
/// </summary>
internal static class LoadControls
{
    /// <summary>The most garbage a request of the headers endpoint may ask for, in KB, so that none ties the server up.</summary>
    public const int MaxKilobytes = 1024;

    /// <summary>The most arithmetic a request of the headers endpoint may ask for, in steps.</summary>
    public const int MaxSteps = 1_000_000;

    /// <summary>The most garbage a loop's timing may ask for a call, in KB: the loop makes 400,000 calls.</summary>
    public const int MaxLoopKilobytes = 64;

    /// <summary>The most arithmetic a loop's timing may ask for a call, in steps.</summary>
    public const int MaxLoopSteps = 10_000;

    /// <summary>Where the arithmetic's result goes, so that the JIT cannot drop it and nothing is boxed.</summary>
    private static ulong s_sink;

    /// <summary>
    /// About <paramref name="kilobytes"/> KB of garbage in a write's shapes, each KB a string of 240 characters, an
    /// array of 400 bytes and one of six references, all dead at once.
    /// </summary>
    public static void Garbage(int kilobytes)
    {
        for (var i = 0; i < kilobytes; i++)
        {
            // Handed to a call the JIT does not look into, so that none of them is put on the stack instead.
            GC.KeepAlive(new string('x', 240));
            GC.KeepAlive(new byte[400]);
            GC.KeepAlive(new object[6]);
        }
    }

    /// <summary><paramref name="steps"/> steps of a xorshift generator: arithmetic that touches no memory.</summary>
    public static void Spin(int steps)
    {
        var x = 88172645463325252UL;
        for (var i = 0; i < steps; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }

        s_sink = x;
    }

    /// <summary>
    /// The whole number the query names <paramref name="name"/>, up to <paramref name="max"/>; 0 when it names none, or
    /// one too large for 64 bits.
    /// </summary>
    public static int Requested(HttpRequest request, string name, int max)
        => ulong.TryParse(request.Query[name], NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            ? (int)Math.Min(amount, (ulong)max)
            : 0;

    /// <summary>The nanoseconds a call of <paramref name="work"/> takes in a loop, after a warm-up: the figure a micro-benchmark gives.</summary>
    public static double NanosecondsInLoop(Action work)
    {
        const int WarmUp = 20_000, Timed = 200_000;

        // Pauses between the warm-up's rounds let tiered compilation's background thread, on the server's one core,
        // compile the work's methods at their final tier; this method itself stays at its first, its loops replaced
        // while they run (on-stack replacement).
        for (var round = 0; round < 10; round++)
        {
            for (var i = 0; i < WarmUp; i++)
            {
                work();
            }

            Thread.Sleep(200);
        }

        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < Timed; i++)
        {
            work();
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / Timed;
    }
}
