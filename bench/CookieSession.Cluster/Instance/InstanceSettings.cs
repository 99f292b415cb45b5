namespace CookieSession.Cluster.Instance;

/// <summary>One server's command line: its port, the Redis that holds the shared key ring, and its name in the figures.</summary>
internal sealed record InstanceSettings(int Port, string Redis, string Name)
{
    public static InstanceSettings Parse(IReadOnlyList<string> args)
    {
        var port = 0;
        string? redis = null;
        var name = "instance";
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            switch (args[i])
            {
                case "--port": port = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--redis": redis = args[i + 1]; break;
                case "--name": name = args[i + 1]; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return port > 0 && redis is not null
            ? new InstanceSettings(port, redis, name)
            : throw new ArgumentException("instance needs --port and --redis");
    }
}
