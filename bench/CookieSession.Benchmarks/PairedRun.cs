using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;

namespace CookieSession.Benchmarks;

/// <summary>
/// --paired BEFORE_DLL AFTER_DLL CASE...: two builds of the benchmarks (each with its own library) in one process, each
/// in an assembly load context of its own, a case of one and of the other taking turns every few milliseconds. This
/// machine's speed drifts by a fifth between runs and within one; turns this short see the same speed, so the ratio of
/// each pair of turns tells apart changes of a few percent that separate runs cannot.
/// </summary>
internal static class PairedRun
{
    private const int Pairs = 100;
    private static readonly TimeSpan Turn = TimeSpan.FromMilliseconds(30);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);

    public static int Run(string beforeDll, string afterDll, string[] cases)
    {
        Side before, after;
        try
        {
            before = new Side("before", beforeDll);
            after = new Side("after", afterDll);
        }
        catch (Exception e) when (e is InvalidOperationException or TypeLoadException or FileNotFoundException)
        {
            Console.Error.WriteLine($"Cannot compare these builds: {e.Message}");
            return 2;
        }

        Console.WriteLine($"{"case",-40} {"before",9} {"after",9} {"after/before",13} {"middle half",13} {"after faster in",16} {"before B",9} {"after B",9}");
        foreach (var name in cases)
        {
            var a = before.Find(name);
            var b = after.Find(name);
            if (a is null || b is null)
            {
                Console.Error.WriteLine($"No case named \"{name}\" on the {(a is null ? "before" : "after")} side.");
                return 2;
            }

            var (ratios, beforeTimes, afterTimes, beforeBytes, afterBytes, perRun) = Pair(a, b);
            var faster = ratios.Count(r => r < 1);
            Console.WriteLine(
                $"{name,-40} {Median(beforeTimes),6:F0} ns {Median(afterTimes),6:F0} ns {ratios[Pairs / 2],12:F3}x " +
                $"{ratios[Pairs / 4],6:F3}-{ratios[(3 * Pairs / 4) - 1]:F3} {faster,8} of {Pairs} {beforeBytes / perRun,7:F0} B {afterBytes / perRun,7:F0} B");
        }

        // What each side ran, so that a comparison of one build against itself is seen for what it is.
        foreach (var side in new[] { before, after })
        {
            var library = side.Assemblies.FirstOrDefault(a => a.GetName().Name == "CookieSession");
            Console.WriteLine($"{side.Name}: {library?.Location ?? "no library loaded"}");
        }

        return 0;
    }

    /// <summary>
    /// --against-floor CASE...: each case of this build taking turns with the floor (one HMAC-SHA256 of the session; a
    /// size case's, of its own session), as
    /// <see cref="Run"/> does with two builds: the median of the pairs' ratios is the case's multiple of the floor at
    /// the speed the machine had in each pair, which separate runs' means here miss by a fifth.
    /// </summary>
    public static int AgainstFloor(string[] cases)
    {
        Console.WriteLine($"{"case",-40} {"floor",9} {"case",9} {"x floor",9} {"middle half",13} {"allocated",10}");
        foreach (var name in cases)
        {
            // The size suite's cases have a floor of their own: the HMAC of their session's payload.
            var floorName = name.Split(' ') is ["size", var sessionBytes, ..] ? $"size {sessionBytes} floor" : "floor";
            var floor = QuickRun.Find(floorName, out _);
            var action = QuickRun.Find(name, out _);
            if (floor is null || action is null)
            {
                Console.Error.WriteLine($"No case named \"{name}\".");
                return 2;
            }

            var (ratios, floorTimes, caseTimes, _, bytes, perRun) = Pair(floor, action);
            Console.WriteLine(
                $"{name,-40} {Median(floorTimes),6:F0} ns {Median(caseTimes),6:F0} ns {ratios[Pairs / 2],8:F2}x " +
                $"{ratios[Pairs / 4],6:F2}-{ratios[(3 * Pairs / 4) - 1]:F2} {bytes / perRun,8:F0} B");
        }

        return 0;
    }

    /// <summary>
    /// <see cref="Pairs"/> pairs of turns of <paramref name="a"/> and <paramref name="b"/>, after both reached their
    /// optimized code: the ratios of <paramref name="b"/>'s time to <paramref name="a"/>'s, sorted, each side's times
    /// and bytes, and the runs of each side in all.
    /// </summary>
    private static (double[] Ratios, double[] TimesA, double[] TimesB, long BytesA, long BytesB, double Runs) Pair(Func<object> a, Func<object> b)
    {
        var iterations = Calibrate(a, b);
        var ratios = new double[Pairs];
        var timesA = new double[Pairs];
        var timesB = new double[Pairs];
        long bytesA = 0, bytesB = 0;
        for (var pair = 0; pair < Pairs; pair++)
        {
            // Turns in the order ABBA, then BAAB: a steady drift of speed favours neither side.
            double ta, tb;
            long ba, bb;
            if (pair % 2 == 0)
            {
                (ta, ba) = Time(a, iterations);
                (tb, bb) = Time(b, iterations);
            }
            else
            {
                (tb, bb) = Time(b, iterations);
                (ta, ba) = Time(a, iterations);
            }

            timesA[pair] = ta;
            timesB[pair] = tb;
            ratios[pair] = tb / ta;
            bytesA += ba;
            bytesB += bb;
        }

        Array.Sort(ratios);
        return (ratios, timesA, timesB, bytesA, bytesB, (double)Pairs * iterations);
    }

    private static int Calibrate(Func<object> a, Func<object> b)
    {
        var watch = Stopwatch.StartNew();
        long count = 0;
        while (watch.Elapsed < WarmUp)
        {
            for (var i = 0; i < 1000; i++)
            {
                a();
                b();
            }

            count += 1000;
        }

        // A turn: about Turn's time at the speed the warm-up saw, for one side.
        return (int)Math.Max(100, count * Turn.TotalMilliseconds * 2 / WarmUp.TotalMilliseconds);
    }

    /// <summary>Nanoseconds a run and bytes allocated over <paramref name="iterations"/> runs.</summary>
    private static (double Nanoseconds, long Bytes) Time(Func<object> action, int iterations)
    {
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            action();
        }

        var elapsed = watch.Elapsed.TotalNanoseconds;
        return (elapsed / iterations, GC.GetAllocatedBytesForCurrentThread() - bytes);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>One build: its benchmarks and library from its own folder, ASP.NET Core and .NET from the process's.</summary>
    private sealed class Side : AssemblyLoadContext
    {
        private readonly string _folder;
        private readonly MethodInfo _find;

        public Side(string name, string dll)
            : base(name)
        {
            var path = Path.GetFullPath(dll);
            _folder = Path.GetDirectoryName(path)!;
            var assembly = LoadFromAssemblyPath(path);
            _find = assembly.GetType("CookieSession.Benchmarks.QuickRun", throwOnError: true)!
                .GetMethod("Find", BindingFlags.Public | BindingFlags.Static)
                ?? throw new InvalidOperationException($"{dll} has no QuickRun.Find (a commit before ba7c869).");
        }

        /// <summary>The case named <paramref name="name"/>, set up; none when this build has no such case.</summary>
        public Func<object>? Find(string name) => (Func<object>?)_find.Invoke(null, [name, null]);

        /// <summary>
        /// The names of the assemblies of .NET's and ASP.NET Core's shared frameworks: those the process resolves from
        /// outside its own folder (its own, the library's among them, each side loads for itself).
        /// </summary>
        private static readonly HashSet<string> Platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => !Path.GetFullPath(path).StartsWith(Path.GetFullPath(AppContext.BaseDirectory), StringComparison.Ordinal))
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // The shared frameworks' assemblies come from the process, so that both sides run the same ASP.NET Core and
            // share its types; the rest (the library, its benchmarks, their packages) from the build's own folder.
            if (assemblyName.Name is null || Platform.Contains(assemblyName.Name))
            {
                return null;
            }

            var candidate = Path.Combine(_folder, assemblyName.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
