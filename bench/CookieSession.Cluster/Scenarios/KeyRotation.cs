using CookieSession.Cluster.Load;

namespace CookieSession.Cluster.Scenarios;

/// <summary>
/// Key rotation under load: a quarter of the way in, instance a makes a new default key; half way, instance b revokes
/// the key every session started under. Sessions in use move to the new key as they are written; sessions left idle
/// under the revoked key (made before the load, not used by it) must be refused by every instance by the end.
/// </summary>
internal sealed class KeyRotation : IScenario
{
    private const int IdleSessions = 24;

    private readonly List<SessionJar> _idle = [];
    private Guid _original;
    private Guid _created;
    private double _revokedAt;

    public string Title => "Key rotation under load";

    public string Description => "Three instances sharing one key ring in redis-server behind YARP (round robin). "
        + "Each instance reads the key ring every 10 s (KeyRingReloadInterval) and reports it in its readiness check (AddCookieSessionKeyRing). "
        + "A quarter of the way in, instance a makes a new default key (IKeyManager.CreateNewKey, active at once); half way, instance b revokes the original key (IKeyManager.RevokeKey). "
        + $"{IdleSessions} sessions made before the load under the original key are left idle, then sent to every instance at the end.";

    public int Instances => 3;

    public int StartedInstances => 3;

    public async Task PrepareAsync(Orchestration.Cluster cluster, LoadClient load)
    {
        _original = (await cluster.Instances[0].GetKeysAsync()).Single(k => k.Default).Id;
        for (var i = 0; i < IdleSessions; i++)
        {
            _idle.Add(await load.NewSessionAsync());
        }
    }

    public async Task RunAsync(Orchestration.Cluster cluster, LoadClient load, Timeline timeline, int duration)
    {
        await ScenarioRunner.Until(load, duration * 0.25);
        var at = load.Now;
        _created = await cluster.Instances[0].CreateKeyAsync();
        timeline.Event(at, $"instance a makes a new default key {Short(_created)} (the original is {Short(_original)})");
        timeline.Window("new default key", at, at + 5);

        await ScenarioRunner.Until(load, duration * 0.5);
        _revokedAt = load.Now;
        load.KeyRevoked(_original);
        await cluster.Instances[1].RevokeKeyAsync(_original);
        timeline.Event(_revokedAt, $"instance b revokes the original key {Short(_original)}");
        timeline.Window("revocation", _revokedAt, _revokedAt + 5);
    }

    public async Task<IReadOnlyList<Expectation>> JudgeAsync(Orchestration.Cluster cluster, LoadClient load, Timeline timeline)
    {
        var checkedAt = load.Now;
        var accepted = new List<string>();
        var sealingWithRevoked = new List<string>();
        foreach (var instance in cluster.Instances)
        {
            var stillOpen = 0;
            foreach (var jar in _idle)
            {
                var (status, body, _) = await instance.PeekAsync(jar.Cookie!);
                if (status != 200 || body != "0")
                {
                    stillOpen++;
                }
            }

            var keys = await instance.GetKeysAsync();
            var sealsWith = await instance.SealedKeyIdAsync() ?? keys.SingleOrDefault(k => k.Default)?.Id;
            timeline.Event(load.Now, $"instance {instance.Name}: {IdleSessions - stillOpen} of {IdleSessions} idle sessions under the revoked key refused; seals with {(sealsWith is { } id ? Short(id) : "no key")}{(sealsWith == _original ? " (the revoked key)" : "")}");
            if (sealsWith == _original)
            {
                sealingWithRevoked.Add(instance.Name);
            }

            if (stillOpen > 0)
            {
                accepted.Add($"{instance.Name} opened {stillOpen}");
            }
        }

        var since = checkedAt - _revokedAt;
        return
        [
            new Expectation(
                $"sessions under the revoked key refused by every instance {since:0} s after the revocation",
                accepted.Count == 0,
                accepted.Count == 0 ? "all refused everywhere" : string.Join(", ", accepted)),
            new Expectation(
                $"no instance seals with the revoked key {since:0} s after the revocation",
                sealingWithRevoked.Count == 0,
                sealingWithRevoked.Count == 0 ? "none" : "still sealing with it: " + string.Join(", ", sealingWithRevoked)),
        ];
    }

    private static string Short(Guid id) => id.ToString()[..8];
}
