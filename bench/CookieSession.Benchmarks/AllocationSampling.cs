using System.Globalization;
using CookieSession.Bench;

namespace CookieSession.Benchmarks;

/// <summary>
/// --allocations NAME [REQUESTS]: what one case allocates, by type (<see cref="AllocationTicks"/>): each type's share of
/// the allocation ticks, in bytes a request of the exact total the thread's allocation counter gives.
/// </summary>
internal static class AllocationSampling
{
    public static int Run(string name, long requests)
    {
        var action = QuickRun.Find(name, out var benchmarks);
        if (action is null)
        {
            return 2;
        }

        // Warm: tiered compilation settles, so that its own allocations stay out of the count.
        for (var i = 0; i < 200_000; i++)
        {
            action();
        }

        using var listener = new AllocationTicks();
        listener.Start();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (long i = 0; i < requests; i++)
        {
            action();
        }

        var perRequest = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / requests;
        var ticks = listener.Stop();
        benchmarks.Cleanup();

        var all = ticks.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {perRequest:F0} B a request over {requests} requests, {all} allocation ticks"));
        Console.WriteLine();
        Console.WriteLine("| type | bytes a request (its share of the ticks) | ticks |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (type, count) in ticks.OrderByDescending(t => t.Value))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{type}` | {perRequest * count / all:F0} | {count} |"));
        }

        return 0;
    }
}
