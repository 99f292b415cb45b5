using System.Diagnostics;
using System.Globalization;

namespace CookieSession.Benchmarks;

/// <summary>
/// --request-scaling [SECONDS]: whole requests through one middleware (one cache, one signer, one key ring) on 1, 2, ...
/// threads at once, up to the cores and then twice as many, each thread with a request and response of its own. A
/// thread's throughput against one thread's: 1.00 up to the cores means nothing on the request path makes one request
/// wait for another; past the cores the threads share them, so the process's total is what to read there.
/// </summary>
internal static class RequestScaling
{
    public static int Run(double seconds)
    {
        var benchmarks = new SessionBenchmarks();
        benchmarks.Setup();
        var threadCounts = Enumerable.Range(1, Environment.ProcessorCount).Append(2 * Environment.ProcessorCount).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores, {seconds:F1} s a run; each cell: requests a second on each thread (thousands), its ratio to one thread, and the process's total"));
        Console.WriteLine();
        Console.WriteLine("| case | " + string.Join(" | ", threadCounts.Select(t => t == 1 ? "1 thread" : $"{t} threads")) + " |");
        Console.WriteLine("|---|" + string.Concat(threadCounts.Select(_ => "---:|")));
        foreach (var (name, harness) in benchmarks.ScalingCases())
        {
            var cells = new List<string>();
            double single = 0;
            foreach (var threads in threadCounts)
            {
                var perThread = PerThreadRate(harness, threads, seconds);
                if (threads == 1)
                {
                    single = perThread;
                }

                cells.Add(string.Create(CultureInfo.InvariantCulture, $"{perThread / 1000:F0}k, {perThread / single:F2}x, total {perThread * threads / 1000:F0}k"));
            }

            Console.WriteLine($"| {name} | " + string.Join(" | ", cells) + " |");
        }

        benchmarks.Cleanup();
        return 0;
    }

    /// <summary>Requests a second on each of <paramref name="threads"/> threads running the case at once, after a warm-up.</summary>
    private static double PerThreadRate(RequestHarness harness, int threads, double seconds)
    {
        var twins = Enumerable.Range(0, threads).Select(_ => harness.Twin()).ToArray();
        var counts = new long[threads];
        using var start = new Barrier(threads + 1);
        var stop = 0;
        var workers = twins.Select((twin, i) => new Thread(() =>
        {
            // Warm: every thread's first requests set up its per-thread ciphers and MACs.
            for (var n = 0; n < 2_000; n++)
            {
                twin.RunAsync().GetAwaiter().GetResult();
            }

            start.SignalAndWait();
            long done = 0;
            while (Volatile.Read(ref stop) == 0)
            {
                for (var n = 0; n < 100; n++)
                {
                    twin.RunAsync().GetAwaiter().GetResult();
                }

                done += 100;
            }

            counts[i] = done;
        })).ToArray();
        foreach (var worker in workers)
        {
            worker.Start();
        }

        start.SignalAndWait();
        var watch = Stopwatch.StartNew();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        Volatile.Write(ref stop, 1);
        foreach (var worker in workers)
        {
            worker.Join();
        }

        return counts.Average() / watch.Elapsed.TotalSeconds;
    }
}
