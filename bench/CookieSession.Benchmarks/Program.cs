using System.Reflection;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace CookieSession.Benchmarks;

/// <summary>
/// dotnet run -c Release --project bench/CookieSession.Benchmarks [-- BenchmarkDotNet arguments]
/// Without arguments runs <see cref="SessionBenchmarks"/> and writes its summary as GitHub markdown to
/// bench/results/benchmarks.md. "-- --components" runs the pieces of a request one by one, into
/// bench/results/components.md; "-- --size" the cost against the session's size (<see cref="SizeBenchmarks"/>), into
/// bench/results/size.md; "-- --scaling" Protected's seal and open on 1, 2, ... threads (<see cref="ScalingBenchmarks"/>), into
/// bench/results/scaling.md; "-- --quick [CASE...]" gives a fast interleaved look while working (every case, or those
/// whose names begin so); "-- --paired BEFORE_DLL AFTER_DLL CASE..." runs cases of two builds in turns of a few
/// milliseconds in one process (<see cref="PairedRun"/>), "-- --against-floor CASE..." each case so with the floor;
/// "-- --loop NAME SECONDS" runs one case for a profiler; "-- --cold KB [CASE...]" times cases with the caches emptied
/// before each call and without (<see cref="ColdRun"/>), "-- --cold-loop KB NAME SECONDS" one case so for a profiler;
/// "-- --allocations NAME [REQUESTS]"
/// samples what one case allocates, by type; "-- --request-scaling [SECONDS]" runs whole requests on 1, 2, ... threads.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["--quick", .. var only])
        {
            return QuickRun.Run(only);
        }

        if (args is ["--allocations", var sampled, .. var count])
        {
            return AllocationSampling.Run(sampled, count is [var n] ? long.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 2_000_000);
        }

        if (args is ["--request-scaling", .. var duration])
        {
            return RequestScaling.Run(duration is [var d] ? double.Parse(d, System.Globalization.CultureInfo.InvariantCulture) : 3);
        }

        if (args is ["--paired", var beforeDll, var afterDll, .. var paired])
        {
            return PairedRun.Run(beforeDll, afterDll, paired);
        }

        if (args is ["--against-floor", .. var measured])
        {
            return PairedRun.AgainstFloor(measured);
        }

        if (args is ["--cold-loop", var loopKb, var loopName, var loopSeconds])
        {
            return ColdRun.Loop(int.Parse(loopKb, System.Globalization.CultureInfo.InvariantCulture), loopName, double.Parse(loopSeconds, System.Globalization.CultureInfo.InvariantCulture));
        }

        if (args is ["--cold", var kb, .. var coldCases])
        {
            return ColdRun.Run(int.Parse(kb, System.Globalization.CultureInfo.InvariantCulture), coldCases);
        }

        if (args is ["--loop", var name, var seconds])
        {
            return QuickRun.Loop(name, double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture));
        }

        var config = DefaultConfig.Instance
            .AddJob(Job.Default.WithWarmupCount(5).WithIterationCount(20))
            .AddExporter(MarkdownExporter.GitHub)
            .WithOptions(ConfigOptions.JoinSummary);

        // No arguments: the request suite, into results/benchmarks.md; --components: the pieces of a request, into
        // results/components.md; --size: cost against size, into results/size.md; anything else goes to BenchmarkDotNet
        // as it is.
        var resultName = args switch
        {
            [] => "benchmarks.md",
            ["--components"] => "components.md",
            ["--size"] => "size.md",
            ["--scaling"] => "scaling.md",
            _ => null,
        };
        string[] switcherArgs = args switch
        {
            [] => ["--filter", "*SessionBenchmarks*"],
            ["--components"] => ["--filter", "*ComponentBenchmarks*"],
            ["--size"] => ["--filter", "*SizeBenchmarks*"],
            ["--scaling"] => ["--filter", "*ScalingBenchmarks*"],
            _ => args,
        };
        var summaries = BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(switcherArgs, config);

        var results = Path.Combine(FindBenchDirectory(), "results");
        Directory.CreateDirectory(results);
        foreach (var summary in summaries)
        {
            foreach (var report in Directory.GetFiles(summary.ResultsDirectoryPath, "*-report-github.md"))
            {
                var target = Path.Combine(results, resultName ?? "benchmarks-" + Path.GetFileName(report));
                File.Copy(report, target, overwrite: true);
                Console.WriteLine("Results: " + target);
            }
        }

        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    private static string FindBenchDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, "bench", "CookieSession.Benchmarks")))
            {
                return Path.Combine(directory.FullName, "bench");
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
