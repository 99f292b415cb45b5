using System.Diagnostics;

namespace CookieSession.Benchmarks;

/// <summary>
/// --quick: the benchmarks' cases timed with a stopwatch, interleaved in one process, for a fast look while
/// working. Not a substitute for the BenchmarkDotNet run whose results are committed.
/// </summary>
internal static class QuickRun
{
    /// <param name="only">Names of the cases to run besides the floor, or their beginnings; none: every case.</param>
    public static int Run(string[] only)
    {
        var benchmarks = new SessionBenchmarks();
        benchmarks.Setup();
        var components = new ComponentBenchmarks();
        components.Setup();
        var sizes = Sizes();
        var cases = Cases(benchmarks, components, sizes)
            .Where((c, i) => i == 0 || only.Length == 0 || only.Any(o => c.Name.StartsWith(o, StringComparison.Ordinal)))
            .ToArray();
        var totals = new double[cases.Length];
        var allocated = new long[cases.Length];
        const int Rounds = 20, PerRound = 20_000;
        for (var round = 0; round < Rounds; round++)
        {
            for (var c = 0; c < cases.Length; c++)
            {
                var action = cases[c].Action;
                var before = GC.GetAllocatedBytesForCurrentThread();
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < PerRound; i++)
                {
                    action();
                }

                if (round > 2)
                {
                    totals[c] += watch.Elapsed.TotalNanoseconds / PerRound;
                    allocated[c] += GC.GetAllocatedBytesForCurrentThread() - before;
                }
            }
        }

        for (var c = 0; c < cases.Length; c++)
        {
            var mean = totals[c] / (Rounds - 3);
            var bytes = allocated[c] / (double)((Rounds - 3) * PerRound);
            Console.WriteLine($"{cases[c].Name,-32} {mean,8:F0} ns  {mean / (totals[0] / (Rounds - 3)),5:F2}x  {bytes,6:F0} B");
        }

        benchmarks.Cleanup();
        foreach (var size in sizes)
        {
            size.Cleanup();
        }

        return 0;
    }

    /// <summary>The size suite at each of its sizes.</summary>
    private static SizeBenchmarks[] Sizes()
        => new[] { 200, 1200, 3200 }.Select(size =>
        {
            var benchmarks = new SizeBenchmarks { Size = size };
            benchmarks.Setup();
            return benchmarks;
        }).ToArray();

    /// <summary>The case named <paramref name="name"/>, with the suite it runs in set up; none (the names printed) when no case is so named.</summary>
    public static Func<object>? Find(string name, out SessionBenchmarks benchmarks)
    {
        benchmarks = new SessionBenchmarks();
        benchmarks.Setup();
        var components = new ComponentBenchmarks();
        components.Setup();
        var cases = Cases(benchmarks, components, Sizes());
        var match = Array.FindIndex(cases, c => c.Name == name);
        if (match < 0)
        {
            Console.Error.WriteLine("cases: " + string.Join(", ", cases.Select(c => c.Name)));
            return null;
        }

        return cases[match].Action;
    }

    /// <summary>
    /// --loop NAME SECONDS: one case in a loop, for a profiler (perf record with DOTNET_PerfMapEnabled=1) to
    /// attach to; prints the case names when NAME matches none.
    /// </summary>
    public static int Loop(string name, double seconds)
    {
        var action = Find(name, out var benchmarks);
        if (action is null)
        {
            return 2;
        }

        var watch = Stopwatch.StartNew();
        long count = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 10_000; i++)
            {
                action();
            }

            count += 10_000;
        }

        Console.WriteLine($"{name}: {watch.Elapsed.TotalNanoseconds / count:F0} ns over {count} runs");
        benchmarks.Cleanup();
        return 0;
    }

    internal static (string Name, Func<object> Action)[] Cases(SessionBenchmarks benchmarks, ComponentBenchmarks components, SizeBenchmarks[] sizes)
        => new (string Name, Func<object> Action)[]
        {
            ("floor", benchmarks.HmacFloor),
            ("bare", () => benchmarks.Bare()),
            ("no cookie", () => benchmarks.NoCookie()),
            ("reference: feature only", () => benchmarks.FeatureOnly()),
            ("aspnet untouched", () => benchmarks.AspNetUntouched()),
            ("read only", () => benchmarks.ReadOnly()),
            ("read only, first sight", () => benchmarks.ReadOnlyFirstSight()),
            ("read-modify-write", () => benchmarks.ReadModifyWrite()),
            ("read-modify-write, sent back", () => benchmarks.ReadModifyWriteSentBack()),
            ("tampered", () => benchmarks.Tampered()),
            ("express read only", () => benchmarks.ExpressReadOnly()),
            ("express first sight", () => benchmarks.ExpressReadOnlyFirstSight()),
            ("express read-modify-write", () => benchmarks.ExpressReadModifyWrite()),
            ("express read-modify-write, sent back", () => benchmarks.ExpressReadModifyWriteSentBack()),
            ("protected read only", () => benchmarks.ProtectedReadOnly()),
            ("protected first sight", () => benchmarks.ProtectedReadOnlyFirstSight()),
            ("protected read-modify-write", () => benchmarks.ProtectedReadModifyWrite()),
            ("protected gcm read-modify-write", () => benchmarks.ProtectedGcmReadModifyWrite()),
            ("iron read only", () => benchmarks.IronReadOnly()),
            ("iron first sight", () => benchmarks.IronReadOnlyFirstSight()),
            ("iron read-modify-write", () => benchmarks.IronReadModifyWrite()),
            ("rails read only", () => benchmarks.RailsReadOnly()),
            ("rails first sight", () => benchmarks.RailsReadOnlyFirstSight()),
            ("rails read-modify-write", () => benchmarks.RailsReadModifyWrite()),
            ("flask read only", () => benchmarks.FlaskReadOnly()),
            ("flask first sight", () => benchmarks.FlaskReadOnlyFirstSight()),
            ("flask read-modify-write", () => benchmarks.FlaskReadModifyWrite()),
            ("django read only", () => benchmarks.DjangoReadOnly()),
            ("django first sight", () => benchmarks.DjangoReadOnlyFirstSight()),
            ("django read-modify-write", () => benchmarks.DjangoReadModifyWrite()),
            ("aspnet read-modify-write", () => benchmarks.AspNetReadModifyWrite()),
            ("c: dp protect 217 B", () => benchmarks.ProtectOnly()),
            ("c: hmac incremental", components.HmacIncremental),
            ("c: hmac at offset 2", components.HmacOffset),
            ("c: signer verify", () => components.SignerVerify()),
            ("c: hmac from pads", () => components.HmacPadsCompute()),
            ("c: gcm seal aesgcm", () => components.SealAesGcm()),
            ("c: gcm seal direct", () => components.SealDirectGcm()),
            ("c: pbkdf2 dotnet", () => components.Pbkdf2DotNet()),
            ("c: pbkdf2 pads", () => components.Pbkdf2Pads()),
            ("c: decode", () => components.Decode()),
            ("c: decode rails", () => components.DecodeRails()),
            ("c: escape", () => components.Escape()),
            ("c: escape rails", () => components.EscapeRails()),
            ("c: pooled buffer", () =>
            {
                var a = new CookieSession.Json.PooledByteBuffer(300);
                var b = new CookieSession.Json.PooledByteBuffer(300);
                a.Dispose();
                b.Dispose();
                return 0;
            }),
            ("c: rent 2048 + 512 chars", () =>
            {
                var a = System.Buffers.ArrayPool<byte>.Shared.Rent(1263);
                var c = System.Buffers.ArrayPool<char>.Shared.Rent(500);
                System.Buffers.ArrayPool<char>.Shared.Return(c);
                System.Buffers.ArrayPool<byte>.Shared.Return(a);
                return 0;
            }),
            ("c: unsign", () => components.Unsign()),
            ("c: sign value", () => components.SignValue()),
            ("c: format set-cookie", () => components.FormatSetCookie()),
            ("c: validate json", () => components.ValidateJson()),
            ("c: serialize", () => components.Serialize()),
            ("c: reader pass", () => components.ReaderPass()),
        }.Concat(sizes.SelectMany(size => new (string Name, Func<object> Action)[]
        {
            ($"size {size.Size} floor", size.HmacFloor),
            ($"size {size.Size} first sight", () => size.FirstSight()),
            ($"size {size.Size} repeated read", () => size.RepeatedRead()),
            ($"size {size.Size} read-modify-write", () => size.ReadModifyWrite()),
        })).ToArray();
}
