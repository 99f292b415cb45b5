using System.Globalization;
using System.Text;
using CookieSession.Cluster.Load;

namespace CookieSession.Cluster.Scenarios;

/// <summary>A scenario's figures as a markdown section of bench/results/many-servers.md.</summary>
internal static class Report
{
    private const double Bucket = 5;

    public static string Section(IScenario scenario, ScenarioSettings settings, LoadFigures figures, Timeline timeline, IReadOnlyList<Expectation> expectations)
    {
        var ran = timeline.Events[^1].At;
        var text = new StringBuilder();
        Line(text, $"## {scenario.Title}");
        Line(text);
        Line(text, $"{scenario.Description} Load: {settings.Sessions} sessions on {settings.Workers} concurrent connections through the front door for {settings.Duration} s, each session's counter incremented by every request.");
        Line(text);
        Line(text, "| requests | requests/s | non-2xx | connection errors | timeouts | sessions lost | refused under the revoked key | counters skipped | p50 ms | p99 ms | max ms |");
        Line(text, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Line(text, $"| {figures.Requests} | {figures.Requests / ran:0} | {figures.Non2xxTotal} | {figures.TransportErrors} | {figures.Timeouts} | {figures.Lost} | {figures.RefusedUnderRevokedKey} | {figures.Skipped} | {figures.Percentile(50):0.0} | {figures.Percentile(99):0.0} | {figures.Percentile(100):0.0} |");
        Line(text);
        Line(text, "| at | what |");
        Line(text, "|---:|---|");
        foreach (var (at, what) in timeline.Events)
        {
            Line(text, $"| {at:0.0} s | {what} |");
        }

        if (timeline.Windows.Count > 0)
        {
            Line(text);
            Line(text, "| window | from | to | requests started | p99 ms | slowest request in flight, ms |");
            Line(text, "|---|---:|---:|---:|---:|---:|");
            foreach (var (name, from, to) in timeline.Windows)
            {
                var started = figures.Samples.Count(s => s.Start >= from && s.Start < to);
                Line(text, $"| {name} | {from:0.0} s | {to:0.0} s | {started} | {figures.Percentile(99, from, to):0.0} | {figures.SlowestDuring(from, to):0.0} |");
            }
        }

        Line(text);
        Line(text, $"Every {Bucket:0} s (by the time a request started):");
        Line(text);
        Line(text, "| from | requests | not as expected | slowest ms |");
        Line(text, "|---:|---:|---:|---:|");
        foreach (var bucket in figures.Samples.GroupBy(s => (int)(s.Start / Bucket)).OrderBy(g => g.Key))
        {
            var wrong = bucket.Count(s => s.Outcome is not (Outcome.Ok or Outcome.RefusedUnderRevokedKey));
            Line(text, $"| {bucket.Key * Bucket:0} s | {bucket.Count()} | {wrong} | {bucket.Max(s => s.Milliseconds):0.0} |");
        }

        var lost = figures.Samples.Where(s => s.Outcome is Outcome.Lost or Outcome.Skipped).Select(s => s.Start).Order().ToArray();
        if (lost.Length > 0)
        {
            Line(text);
            Line(text, $"Sessions lost or skipped, by when the request started: {string.Join(", ", lost.Take(20).Select(t => $"{t:0.00} s"))}{(lost.Length > 20 ? ", ..." : "")}.");
        }

        Line(text);
        foreach (var expectation in expectations)
        {
            Line(text, $"- {(expectation.Held ? "held" : "**FAILED**")}: {expectation.What} (measured: {expectation.Measured})");
        }

        Line(text);
        return text.ToString();
    }

    private static void Line(StringBuilder text, string line = "") => text.Append(line.AsSpan()).Append('\n');
}
