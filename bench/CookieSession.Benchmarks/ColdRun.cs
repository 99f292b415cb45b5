using System.Diagnostics;

namespace CookieSession.Benchmarks;

/// <summary>
/// --cold KB [CASE...]: each case timed one call at a time, every call once right after writing over KB kilobytes of
/// memory, which takes the case's code and data out of the caches, and once again at once, warm, in turns: what a
/// request costs when the caches hold other work's lines, beside what it costs when they hold its own.
/// </summary>
internal static class ColdRun
{
    /// <summary>What the "nothing" case returns: the timer's own cost, subtracted from every case.</summary>
    private static readonly object Nothing = new();

    public static int Run(int pollutionKb, string[] only)
    {
        var benchmarks = new SessionBenchmarks();
        benchmarks.Setup();
        var components = new ComponentBenchmarks();
        components.Setup();
        var cases = QuickRun.Cases(benchmarks, components, [])
            .Where((c, i) => i == 0 || only.Length == 0 || only.Any(o => c.Name.StartsWith(o, StringComparison.Ordinal)))
            .Prepend(("nothing", () => Nothing))
            .ToArray();

        var pollution = new byte[pollutionKb * 1024];
        const int Rounds = 12, PerRound = 4_000;
        var warm = new List<double>[cases.Length];
        var cold = new List<double>[cases.Length];
        for (var c = 0; c < cases.Length; c++)
        {
            warm[c] = [];
            cold[c] = [];
        }

        for (var round = 0; round < Rounds; round++)
        {
            for (var c = 0; c < cases.Length; c++)
            {
                var action = cases[c].Action;
                long warmTicks = 0, coldTicks = 0;
                for (var i = 0; i < PerRound; i++)
                {
                    Pollute(pollution);
                    var start = Stopwatch.GetTimestamp();
                    action();
                    coldTicks += Stopwatch.GetTimestamp() - start;

                    start = Stopwatch.GetTimestamp();
                    action();
                    warmTicks += Stopwatch.GetTimestamp() - start;
                }

                if (round > 1)
                {
                    warm[c].Add(warmTicks * 1e9 / Stopwatch.Frequency / PerRound);
                    cold[c].Add(coldTicks * 1e9 / Stopwatch.Frequency / PerRound);
                }
            }
        }

        // Each case less the timer's own cost (the "nothing" case), and less the harness alone ("bare") where it ran.
        var warmNothing = Median(warm[0]);
        var coldNothing = Median(cold[0]);
        var bare = Array.FindIndex(cases, c => c.Name == "bare");
        var warmBare = bare < 0 ? 0 : Median(warm[bare]) - warmNothing;
        var coldBare = bare < 0 ? 0 : Median(cold[bare]) - coldNothing;
        Console.WriteLine($"Medians of {Rounds - 2} rounds of {PerRound:N0} calls, the caches evicted by writing over {pollutionKb:N0} KB before each cold call.");
        Console.WriteLine();
        Console.WriteLine("| case | warm ns | cold ns | cold / warm | beyond the harness: warm ns | cold ns | cold / warm |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        for (var c = 1; c < cases.Length; c++)
        {
            var w = Median(warm[c]) - warmNothing;
            var k = Median(cold[c]) - coldNothing;
            // The library's share, where the case runs the harness and does enough beyond it for a ratio to mean something.
            var beyond = bare < 0 || c == bare || w - warmBare < 100 || cases[c].Name == "floor" || cases[c].Name.StartsWith("c: ", StringComparison.Ordinal)
                ? "| | | |"
                : $"| {w - warmBare:F0} | {k - coldBare:F0} | {(k - coldBare) / (w - warmBare):F2}x |";
            Console.WriteLine($"| {cases[c].Name} | {w:F0} | {k:F0} | {k / w:F2}x {beyond}");
        }

        benchmarks.Cleanup();
        return 0;
    }

    /// <summary>--cold-loop KB NAME SECONDS: one case, every call after the caches' eviction, for a profiler.</summary>
    public static int Loop(int pollutionKb, string name, double seconds)
    {
        var action = QuickRun.Find(name, out var benchmarks);
        if (action is null)
        {
            return 2;
        }

        var pollution = new byte[pollutionKb * 1024];
        // The calls of the last two thirds, which a profiler started a third of the way in sees.
        var watch = Stopwatch.StartNew();
        long count = 0, settled = -1;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 1_000; i++)
            {
                Pollute(pollution);
                action();
            }

            count += 1_000;
            if (settled < 0 && watch.Elapsed.TotalSeconds >= seconds / 3)
            {
                settled = count;
            }
        }

        Console.WriteLine($"{name}: {count - Math.Max(settled, 0)} calls");
        benchmarks.Cleanup();
        return 0;
    }

    /// <summary>One write a cache line: every line of the buffer is dirty and in the caches afterwards, little else.</summary>
    private static void Pollute(byte[] buffer)
    {
        for (var i = 0; i < buffer.Length; i += 64)
        {
            buffer[i]++;
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
