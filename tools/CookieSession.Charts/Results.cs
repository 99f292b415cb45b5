using System.Globalization;
using System.Text.RegularExpressions;

namespace CookieSession.Charts;

/// <summary>One measured case of a chart: the label under its bar and the two numbers it compares.</summary>
internal sealed record Pair(string Label, double ReadOnly, double ReadModifyWrite);

/// <summary>
/// bench/results/load.md: each format's read and write as a multiple of its reference's requests per second, the
/// median over the newest runs that have a "spread" column (those that measure a target a second from its reference).
/// </summary>
internal sealed record LoadResults(IReadOnlyList<Pair> Targets, IReadOnlyList<string> Missing, int RunCount)
{
    /// <summary>How many of the newest runs each ratio is the median of, at most: one run's ratio can stray by a tenth.</summary>
    public const int Runs = 3;

    // The row names bench/load/run.sh writes (one session sent over and over), and the label each has in the chart.
    // The newest run is the first table of the file.
    private static readonly (string Row, string Label)[] Known =
    [
        ("Connect", "Connect"),
        ("Express", "Express"),
        ("Protected", "Protected"),
        ("iron-session", "iron-session"),
        ("Rails", "Rails"),
        ("Flask", "Flask"),
        ("Django", "Django"),
        ("AddSession", "ASP.NET AddSession"),
        ("connect@2.11.0", "Node connect@2.11.0"),
    ];

    public static LoadResults Read(string path)
    {
        var runs = MarkdownTable.ReadAll(path, "target", "vs ref", "spread").Take(Runs).ToList();
        if (runs.Count == 0)
        {
            throw new FormatException($"{path}: no run with the columns 'target', 'vs ref' and 'spread'.");
        }

        var targets = new List<Pair>();
        var missing = new List<string>();
        foreach (var (row, label) in Known)
        {
            // A format the newest run lacks is left out rather than drawn from runs of older code.
            if (runs[0].Has(row + " ro") && runs[0].Has(row + " rmw"))
            {
                targets.Add(new Pair(label, Median(runs, row + " ro"), Median(runs, row + " rmw")));
            }
            else
            {
                missing.Add(label);
            }
        }

        if (targets.Count == 0)
        {
            throw new FormatException($"{path}: none of the targets {string.Join(", ", Known.Select(k => k.Row))}.");
        }

        return new LoadResults(targets, missing, runs.Count);
    }

    /// <summary>
    /// The median of a row's "vs ref" over the runs that have the row: the first of the two "vs ref" columns, the
    /// requests per second's (the second is CPU's).
    /// </summary>
    private static double Median(IReadOnlyList<MarkdownTable> runs, string row)
    {
        var values = runs.Where(r => r.Has(row)).Select(r => r.Number(row, "vs ref")).Order().ToArray();
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
    }
}

/// <summary>bench/results/benchmarks.md: BenchmarkDotNet's mean time of each case, and the HMAC floor.</summary>
internal sealed record CostResults(double FloorNanoseconds, IReadOnlyList<Pair> Formats)
{
    // The case names of bench/CookieSession.Benchmarks, and the label each format has in the chart.
    private static readonly (string ReadOnly, string ReadModifyWrite, string Label)[] Known =
    [
        ("read only", "read-modify-write", "Connect"),
        ("Express cookie-session: read only", "Express cookie-session: read-modify-write", "Express"),
        ("Protected: read only", "Protected: read-modify-write", "Protected"),
        ("iron-session: read only", "iron-session: read-modify-write", "iron-session"),
        ("ASP.NET AddSession: read only", "ASP.NET AddSession: read-modify-write", "ASP.NET AddSession"),
    ];

    public const string Floor = "floor: one HMAC-SHA256, reused key";

    public static CostResults Read(string path)
    {
        var table = MarkdownTable.Read(path, "Method", "Mean");
        var formats = Known
            .Where(k => table.Has(k.ReadOnly) && table.Has(k.ReadModifyWrite))
            .Select(k => new Pair(k.Label, Nanoseconds(table, k.ReadOnly), Nanoseconds(table, k.ReadModifyWrite)))
            .ToList();
        if (formats.Count == 0)
        {
            throw new FormatException($"{path}: none of the read-only and read-modify-write cases.");
        }

        return new CostResults(Nanoseconds(table, Floor), formats);
    }

    private static double Nanoseconds(MarkdownTable table, string name)
    {
        var text = table.Cell(name, "Mean");
        var value = table.Number(name, "Mean");
        return text.EndsWith("μs", StringComparison.Ordinal) || text.EndsWith("us", StringComparison.Ordinal) || text.EndsWith("µs", StringComparison.Ordinal) ? value * 1000
            : text.EndsWith("ms", StringComparison.Ordinal) ? value * 1_000_000
            : value;
    }
}

/// <summary>
/// bench/results/soak.md: for each format (a "## Format" section; a file without sections is one run of the demo's
/// default format), the server's working set sampled over its run, and its requests.
/// </summary>
internal sealed partial record SoakResults(IReadOnlyList<SoakRun> Runs)
{
    public static SoakResults Read(string path)
    {
        var runs = new List<SoakRun>();
        var name = "Connect";
        var seconds = new List<double>();
        var megabytes = new List<double>();
        long requests = 0;
        double perSecond = 0;

        void Close()
        {
            if (seconds.Count > 0)
            {
                runs.Add(new SoakRun(name, [.. seconds], [.. megabytes], requests, perSecond));
            }

            seconds.Clear();
            megabytes.Clear();
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Close();
                name = line[3..].Trim();
            }
            else if (Sample().Match(line) is { Success: true } sample)
            {
                seconds.Add(double.Parse(sample.Groups[1].Value, CultureInfo.InvariantCulture));
                megabytes.Add(double.Parse(sample.Groups[2].Value, CultureInfo.InvariantCulture));
            }
            else if (Row().Match(line) is { Success: true } row)
            {
                var value = double.Parse(row.Groups[2].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
                if (row.Groups[1].Value == "requests")
                {
                    requests = (long)value;
                }
                else
                {
                    perSecond = value;
                }
            }
        }

        Close();
        if (runs.Count == 0 || runs.Any(r => r.Seconds.Count < 2))
        {
            throw new FormatException($"{path}: a run with fewer than two working-set samples (lines like '  10 s   102.7 MB').");
        }

        return new SoakResults(runs);
    }

    [GeneratedRegex(@"^\s*([0-9]+(?:\.[0-9]+)?)\s+s\s+([0-9]+(?:\.[0-9]+)?)\s+MB\s*$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"^\|\s*(requests|requests/s)\s*\|\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*\|\s*$")]
    private static partial Regex Row();
}

/// <summary>One format's soak run: its working-set samples and its requests.</summary>
internal sealed record SoakRun(string Format, IReadOnlyList<double> Seconds, IReadOnlyList<double> Megabytes, long Requests, double RequestsPerSecond);
