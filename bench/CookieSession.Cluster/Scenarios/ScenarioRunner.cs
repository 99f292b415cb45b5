using CookieSession.Cluster.Load;

namespace CookieSession.Cluster.Scenarios;

/// <summary>Runs one scenario from start to figures: the cluster up, the load on, the scenario's operations, the judgement.</summary>
internal static class ScenarioRunner
{
    public static async Task<int> RunAsync(string name, ScenarioSettings settings)
    {
        IScenario scenario = name switch
        {
            "rotation" => new KeyRotation(),
            "restart" => new RollingRestart(),
            "keystore-down" => new KeyStoreDown(),
            _ => throw new ArgumentException($"unknown scenario {name}: rotation, restart or keystore-down"),
        };

        var directory = Path.Combine(settings.Work, name);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        Console.WriteLine($"{scenario.Title}: {settings.Duration} s, logs in {directory}");

        await using var cluster = await Orchestration.Cluster.StartAsync(
            scenario.Instances, scenario.StartedInstances, settings.RedisPort, settings.BasePort, directory);
        var load = new LoadClient(cluster.Front.Address, settings.Sessions, settings.Workers);
        await scenario.PrepareAsync(cluster, load);

        var timeline = new Timeline();
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        timeline.Event(0, "load begins");
        await scenario.RunAsync(cluster, load, timeline, settings.Duration);
        await Until(load, settings.Duration);
        await stop.CancelAsync();
        await running;
        timeline.Event(load.Now, "load ends");

        var expectations = LoadExpectations(load.Figures).Concat(await scenario.JudgeAsync(cluster, load, timeline)).ToArray();
        var section = Report.Section(scenario, settings, load.Figures, timeline, expectations);
        await File.AppendAllTextAsync(settings.Out, section);
        Console.WriteLine(section);
        return expectations.All(e => e.Held) ? 0 : 1;
    }

    /// <summary>Waits until the load has run <paramref name="seconds"/>.</summary>
    public static async Task Until(LoadClient load, double seconds)
    {
        var left = seconds - load.Now;
        if (left > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(left));
        }
    }

    /// <summary>What every scenario must keep: every request answered 2xx, every session at its next number.</summary>
    private static IEnumerable<Expectation> LoadExpectations(LoadFigures figures)
    {
        var non2xx = figures.Non2xx.Count == 0 ? "none" : string.Join(", ", figures.Non2xx.OrderBy(p => p.Key).Select(p => $"{p.Value} × {p.Key}"));
        yield return new("every request answered 2xx", figures.Non2xxTotal == 0, non2xx);
        yield return new("no connection error or timeout", figures.TransportErrors + figures.Timeouts == 0,
            $"{figures.TransportErrors} connection errors, {figures.Timeouts} timeouts");
        yield return new("no session lost (a counter back at 1 under a key not revoked)", figures.Lost == 0, figures.Lost.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return new("no write lost (a counter that skipped)", figures.Skipped == 0, figures.Skipped.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return new("no error answer changed or deleted the session cookie", figures.CookieChangedOnError == 0,
            figures.CookieChangedOnError.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
