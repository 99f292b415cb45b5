using System.Globalization;

namespace CookieSession.Cluster.Scenarios;

/// <summary>A scenario's command line: how long the load runs, the ports, where the figures and logs go.</summary>
internal sealed record ScenarioSettings(int Duration, int RedisPort, int BasePort, string Out, string Work, int Sessions, int Workers)
{
    public static ScenarioSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new ScenarioSettings(
            Duration: 45, RedisPort: 6391, BasePort: 5110, Out: "many-servers-section.md",
            Work: Path.Combine(Path.GetTempPath(), "cookiesession-cluster"), Sessions: 256, Workers: 32);
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            var value = args[i + 1];
            settings = args[i] switch
            {
                "--duration" => settings with { Duration = Number(value) },
                "--redis-port" => settings with { RedisPort = Number(value) },
                "--base-port" => settings with { BasePort = Number(value) },
                "--out" => settings with { Out = value },
                "--work" => settings with { Work = value },
                "--sessions" => settings with { Sessions = Number(value) },
                "--workers" => settings with { Workers = Number(value) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return settings;
    }

    private static int Number(string value) => int.Parse(value, CultureInfo.InvariantCulture);
}
