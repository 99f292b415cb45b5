using CookieSession.Cluster.Load;
using CookieSession.Cluster.Orchestration;

namespace CookieSession.Cluster.Scenarios;

/// <summary>
/// A rolling restart, as a deployment does it: one instance at a time gets SIGTERM, reports itself unhealthy so the front
/// door's health check takes it out of rotation, finishes its requests in flight and exits; it starts again, and the
/// next one goes only once the front door sends it requests again.
/// </summary>
internal sealed class RollingRestart : IScenario
{
    private readonly List<string> _stops = [];
    private readonly List<string> _returns = [];

    public string Title => "Rolling restart";

    public string Description => "Three instances sharing one key ring in redis-server behind YARP (round robin, active health checks "
        + $"every {FrontDoor.ProbeInterval.TotalSeconds:0} s, out of rotation after one failed probe). Each instance in turn: SIGTERM, "
        + $"unhealthy for {Instance.DrainBeforeStop.Delay.TotalSeconds:0} s while still serving, Kestrel drains and the process exits, started again, "
        + "back in rotation, then the next.";

    public int Instances => 3;

    public int StartedInstances => 3;

    public Task PrepareAsync(Orchestration.Cluster cluster, LoadClient load) => Task.CompletedTask;

    public async Task RunAsync(Orchestration.Cluster cluster, LoadClient load, Timeline timeline, int duration)
    {
        // Spread over the run, with load before the first and after the last.
        foreach (var (instance, i) in cluster.Instances.Select((instance, i) => (instance, i)))
        {
            await ScenarioRunner.Until(load, duration * (0.1 + (0.25 * i)));
            var from = load.Now;
            timeline.Event(from, $"SIGTERM to instance {instance.Name}");
            var stopped = await instance.StopAsync();
            timeline.Event(load.Now, stopped is { } took
                ? $"instance {instance.Name} exited {took.TotalSeconds:0.0} s after SIGTERM"
                : $"instance {instance.Name} did not exit within 30 s and was killed");
            if (stopped is null)
            {
                _stops.Add(instance.Name);
            }

            instance.Start();
            var ready = await instance.WaitReadyAsync(TimeSpan.FromSeconds(60));
            timeline.Event(load.Now, ready ? $"instance {instance.Name} started and ready" : $"instance {instance.Name} did not become ready");
            var back = ready && await cluster.Front.WaitInRotationAsync(instance.Name, TimeSpan.FromSeconds(10));
            timeline.Event(load.Now, back ? $"instance {instance.Name} back in rotation" : $"instance {instance.Name} not back in rotation");
            if (!back)
            {
                _returns.Add(instance.Name);
            }

            timeline.Window($"restart of {instance.Name}", from, load.Now);
        }
    }

    public Task<IReadOnlyList<Expectation>> JudgeAsync(Orchestration.Cluster cluster, LoadClient load, Timeline timeline)
        => Task.FromResult<IReadOnlyList<Expectation>>(
        [
            new Expectation("every instance exited gracefully on SIGTERM", _stops.Count == 0, _stops.Count == 0 ? "all did" : "killed: " + string.Join(", ", _stops)),
            new Expectation("every instance back in rotation after its restart", _returns.Count == 0, _returns.Count == 0 ? "all were" : "not back: " + string.Join(", ", _returns)),
        ]);
}
