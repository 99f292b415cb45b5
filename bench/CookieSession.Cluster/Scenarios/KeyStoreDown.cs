using CookieSession.Cluster.Load;

namespace CookieSession.Cluster.Scenarios;

/// <summary>
/// The key store down after start: a third of the way in, redis-server is stopped, and started again two thirds in.
/// The two running instances must keep serving every session with no request waiting long on the store. During the
/// outage a third instance is started (a scale-out): it must start, stay out of rotation while it cannot read the key
/// ring, answer a cookie with an error that leaves the cookie alone, and read that cookie once the store is back.
/// </summary>
internal sealed class KeyStoreDown : IScenario
{
    /// <summary>The longest a request may take while the store is down (the bound the docs state).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    private readonly List<Expectation> _newcomer = [];
    private SessionJar? _probe;
    private double _down;
    private double _up;

    public string Title => "Key store down under load";

    public string Description => "Two instances sharing one key ring in redis-server behind YARP (round robin). A third of the way in, "
        + "redis-server is stopped (SIGTERM); three seconds later a third instance is started, a destination of the front door too; "
        + "two thirds in, redis-server starts again with its data.";

    public int Instances => 3;

    public int StartedInstances => 2;

    public async Task PrepareAsync(Orchestration.Cluster cluster, LoadClient load) => _probe = await load.NewSessionAsync();

    public async Task RunAsync(Orchestration.Cluster cluster, LoadClient load, Timeline timeline, int duration)
    {
        var newcomer = cluster.Instances[2];
        await ScenarioRunner.Until(load, duration / 3.0);
        _down = load.Now;
        await cluster.Redis.StopAsync();
        timeline.Event(_down, "redis-server stopped");

        await ScenarioRunner.Until(load, _down + 3);
        timeline.Event(load.Now, "instance c starts");
        newcomer.Start();
        var ready = await newcomer.WaitReadyAsync(TimeSpan.FromSeconds(12));
        var running = newcomer.IsRunning;
        timeline.Event(load.Now, ready ? "instance c ready (its health check passes) while the store is down"
            : running ? "instance c running, not ready while the store is down"
            : $"instance c exited: {newcomer.FirstException() ?? "no exception in its log"}");
        _newcomer.Add(new Expectation("an instance started while the store is down starts", running, running ? "running" : "exited"));
        _newcomer.Add(new Expectation("and stays out of rotation while it cannot read the key ring", running && !cluster.Front.IsInRotation(newcomer.Name),
            !running ? "not running" : cluster.Front.IsInRotation(newcomer.Name) ? "in rotation" : "out of rotation"));
        if (await TryPeekAsync(newcomer) is var (status, _, touched))
        {
            timeline.Event(load.Now, $"a session cookie sent to instance c: {status}{(touched ? ", Set-Cookie for the session" : ", cookie left alone")}");
            _newcomer.Add(new Expectation("a cookie brought to it is answered 503 and left alone", status == 503 && !touched, $"{status}, {(touched ? "cookie changed" : "cookie left alone")}"));
        }
        else
        {
            _newcomer.Add(new Expectation("a cookie brought to it is answered 503 and left alone", false, "no answer: " + (newcomer.FirstException() ?? "not listening")));
        }

        await ScenarioRunner.Until(load, duration * 2 / 3.0);
        _up = load.Now;
        await cluster.Redis.StartAsync();
        timeline.Event(_up, "redis-server started again");
        timeline.Window("key store down", _down, _up);

        if (!newcomer.IsRunning)
        {
            timeline.Event(load.Now, "instance c starts again (it had exited)");
            newcomer.Start();
        }

        var back = await newcomer.WaitReadyAsync(TimeSpan.FromSeconds(30)) && await cluster.Front.WaitInRotationAsync(newcomer.Name, TimeSpan.FromSeconds(30));
        timeline.Event(load.Now, back ? "instance c in rotation" : "instance c still not in rotation");
        var restarted = !running || !newcomer.IsRunning;
        var after = await TryPeekAsync(newcomer);
        _newcomer.Add(new Expectation(
            "once the store is back it reads that cookie, with no restart",
            !restarted && after is (200, "1", _),
            (after is var (s, b, _) ? $"{s}, counter {b}" : "no answer") + (restarted ? ", after a restart" : "")));
    }

    private async Task<(int Status, string Body, bool TouchedCookie)?> TryPeekAsync(Orchestration.InstanceProcess instance)
    {
        try
        {
            return await instance.PeekAsync(_probe!.Cookie!);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    public Task<IReadOnlyList<Expectation>> JudgeAsync(Orchestration.Cluster cluster, LoadClient load, Timeline timeline)
    {
        var slowest = load.Figures.SlowestDuring(_down, _up);
        return Task.FromResult<IReadOnlyList<Expectation>>(
        [
            new Expectation($"no request slower than {Bound.TotalSeconds:0} s while the store is down", slowest <= Bound.TotalMilliseconds, $"slowest {slowest:0} ms"),
            .. _newcomer,
        ]);
    }
}
