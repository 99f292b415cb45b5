namespace CookieSession.Cluster.Orchestration;

/// <summary>
/// Everything a scenario runs on: the key store, the instances (all of them destinations of the front door, some
/// perhaps not started yet) and the front door.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    private Cluster(RedisProcess redis, IReadOnlyList<InstanceProcess> instances, FrontDoor front)
    {
        Redis = redis;
        Instances = instances;
        Front = front;

        // A run stopped by a signal still takes its processes with it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    public RedisProcess Redis { get; }

    public IReadOnlyList<InstanceProcess> Instances { get; }

    public FrontDoor Front { get; }

    /// <summary>Starts Redis, the first <paramref name="started"/> of <paramref name="instances"/> instances, and the front door.</summary>
    public static async Task<Cluster> StartAsync(int instances, int started, int redisPort, int basePort, string directory)
    {
        var redis = new RedisProcess(redisPort, directory);
        await redis.StartAsync();
        var all = Enumerable.Range(0, instances)
            .Select(i => new InstanceProcess(((char)('a' + i)).ToString(), basePort + 1 + i, redis.EndPoint, directory))
            .ToArray();

        // One at a time: the first makes the key ring, the others read it.
        foreach (var instance in all.Take(started))
        {
            instance.Start();
            if (!await instance.WaitReadyAsync(TimeSpan.FromSeconds(60)))
            {
                throw new InvalidOperationException($"instance {instance.Name} did not start; see {directory}/{instance.Name}.log");
            }
        }

        var front = await FrontDoor.StartAsync(basePort, all);
        foreach (var instance in all)
        {
            var ready = instance.IsRunning
                ? await front.WaitInRotationAsync(instance.Name, TimeSpan.FromSeconds(10))
                : await front.WaitOutOfRotationAsync(instance.Name, TimeSpan.FromSeconds(10));
            if (!ready)
            {
                throw new InvalidOperationException($"the front door's health check did not settle on instance {instance.Name}");
            }
        }

        return new Cluster(redis, all, front);
    }

    public async ValueTask DisposeAsync()
    {
        await Front.DisposeAsync();
        KillAll();
    }

    private void KillAll()
    {
        foreach (var instance in Instances)
        {
            instance.Dispose();
        }

        Redis.Dispose();
    }
}
