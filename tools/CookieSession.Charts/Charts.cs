using System.Globalization;
using ScottPlot;

namespace CookieSession.Charts;

/// <summary>The three charts of docs/images. Each is drawn from one results file and saved as a PNG.</summary>
internal static class Charts
{
    public const string Throughput = "load-requests-per-second.png";
    public const string Cost = "cost-per-request.png";
    public const string Soak = "soak-working-set.png";

    // Debian's fonts-dejavu-core: named, so that a machine's default font does not change the committed pictures.
    private const string Font = "DejaVu Sans";
    private const int Width = 1000;
    private const int Height = 560;

    private static readonly Color ReadOnlyColor = Colors.SteelBlue;
    private static readonly Color ReadModifyWriteColor = Colors.DarkOrange;
    private static readonly Color ReferenceColor = Colors.DimGray;

    /// <summary>
    /// Each format's read and write under load as a multiple of its reference's requests per second: the same server's
    /// bare endpoint for reads, the same headers sent as constants for writes.
    /// </summary>
    public static void DrawThroughput(LoadResults load, string path)
    {
        // Labels inside the bars: above them they would sit on the reference's line.
        var plot = GroupedBars(load.Targets, v => string.Create(CultureInfo.InvariantCulture, $"{v:0.00}x"), centerLabels: true);
        plot.Add.HorizontalLine(1, 2, ReferenceColor, LinePattern.Dashed);
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = "1.00x: the reference, no session (reads: the bare endpoint; writes: the same headers as constants)",
            LineColor = ReferenceColor,
            LineWidth = 2,
            LinePattern = LinePattern.Dashed,
        });
        // Room above the tallest bar for its label and the legend, which would otherwise hide the label of a bar beneath it.
        plot.Axes.SetLimitsY(0, Math.Max(1, load.Targets.Max(t => Math.Max(t.ReadOnly, t.ReadModifyWrite))) * 1.45);
        plot.Title("Requests per second against the same server without the session (more is better)");
        plot.YLabel("multiple of the reference's requests per second");
        // The runs drawn and the formats absent on a second line: on one, the label runs past the picture's edges.
        var absent = load.Missing.Count == 0 ? string.Empty : $"; not in the newest run: {string.Join(", ", load.Missing)}";
        var runs = load.RunCount == 1 ? "the newest run" : $"the median of the {load.RunCount} newest runs";
        plot.XLabel($"wrk, 32 connections, one 200-byte session cookie on every request (bench/results/load.md)\n{runs}{absent}");
        plot.SavePng(path, Width, Height);
    }

    /// <summary>Time per request of each format, read-only and read-modify-write, against one HMAC-SHA256.</summary>
    public static void DrawCost(CostResults cost, string path)
    {
        var floor = cost.FloorNanoseconds;
        var plot = GroupedBars(
            cost.Formats.Select(f => f with { ReadOnly = f.ReadOnly / 1000, ReadModifyWrite = f.ReadModifyWrite / 1000 }).ToList(),
            v => string.Create(CultureInfo.InvariantCulture, $"{v.ToString(v < 1 ? "0.00" : "0.0", CultureInfo.InvariantCulture)} µs\n{v * 1000 / floor:0.0}x"));
        plot.Add.HorizontalLine(floor / 1000, 2, ReferenceColor, LinePattern.Dashed);
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = string.Create(CultureInfo.InvariantCulture, $"floor: one HMAC-SHA256 of the session, {floor / 1000:0.00} µs"),
            LineColor = ReferenceColor,
            LineWidth = 2,
            LinePattern = LinePattern.Dashed,
        });
        plot.Axes.SetLimitsY(0, cost.Formats.Max(f => Math.Max(f.ReadOnly, f.ReadModifyWrite)) / 1000 * 1.25);
        plot.Title("Middleware time per request, and its multiple of the HMAC floor (less is better)");
        plot.YLabel("time per request (µs)");
        plot.XLabel("BenchmarkDotNet mean, one request through the middleware (bench/results/benchmarks.md)");
        plot.SavePng(path, Width, Height);
    }

    /// <summary>The server's working set over each format's soak run, one line a format.</summary>
    public static void DrawSoak(SoakResults soak, string path)
    {
        Color[] colors = [ReadOnlyColor, ReadModifyWriteColor, Colors.SeaGreen, Colors.MediumPurple, ReferenceColor];
        var plot = NewPlot();
        foreach (var (run, i) in soak.Runs.Select((run, i) => (run, i)))
        {
            var line = plot.Add.Scatter(run.Seconds.ToArray(), run.Megabytes.ToArray(), colors[i % colors.Length]);
            line.LineWidth = 2;
            line.MarkerSize = 4;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{run.Format}: {Thousands(run.RequestsPerSecond)} requests/s");
        }

        plot.ShowLegend(Alignment.LowerRight);
        plot.Axes.SetLimits(0, soak.Runs.Max(r => r.Seconds.Max()) + 10, 0, soak.Runs.Max(r => r.Megabytes.Max()) * 1.2);
        plot.Title(string.Create(
            CultureInfo.InvariantCulture,
            $"Working set of the demo app over a soak of {soak.Runs.Sum(r => r.Requests) / 1e6:0.0} million requests"));
        plot.YLabel("working set, VmRSS (MB)");
        plot.XLabel("seconds into each format's run, half of the requests with bad cookies (bench/results/soak.md)");
        plot.SavePng(path, Width, Height);
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(Font);
        plot.Axes.Title.Label.FontSize = 18;
        plot.Axes.Bottom.Label.FontSize = 14;
        plot.Axes.Left.Label.FontSize = 14;
        plot.Legend.FontSize = 13;
        return plot;
    }

    /// <summary>Two bars a case, read-only beside read-modify-write, each labelled with its value.</summary>
    private static Plot GroupedBars(IReadOnlyList<Pair> cases, Func<double, string> label, bool centerLabels = false)
    {
        var plot = NewPlot();
        var bars = new List<Bar>();
        for (var i = 0; i < cases.Count; i++)
        {
            bars.Add(new Bar { Position = i - 0.2, Value = cases[i].ReadOnly, Size = 0.38, FillColor = ReadOnlyColor, Label = label(cases[i].ReadOnly), CenterLabel = centerLabels });
            bars.Add(new Bar { Position = i + 0.2, Value = cases[i].ReadModifyWrite, Size = 0.38, FillColor = ReadModifyWriteColor, Label = label(cases[i].ReadModifyWrite), CenterLabel = centerLabels });
        }

        var plottable = plot.Add.Bars(bars);
        plottable.ValueLabelStyle.FontSize = 12;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, cases.Count).Select(i => (double)i).ToArray(), cases.Select(c => c.Label).ToArray());
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.HideGrid();
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "read only", FillColor = ReadOnlyColor });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "read-modify-write (the cookie rewritten)", FillColor = ReadModifyWriteColor });
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static string Thousands(double value)
        => value >= 1000 ? string.Create(CultureInfo.InvariantCulture, $"{value / 1000:0.#}k") : value.ToString("0", CultureInfo.InvariantCulture);
}
