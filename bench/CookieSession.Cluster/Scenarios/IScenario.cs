using CookieSession.Cluster.Load;
using CookieSession.Cluster.Orchestration;

namespace CookieSession.Cluster.Scenarios;

/// <summary>A fault, or an operation, done to the cluster while the load runs, and what must hold through it.</summary>
internal interface IScenario
{
    string Title { get; }

    /// <summary>One sentence for the results: what was done, to how many instances.</summary>
    string Description { get; }

    /// <summary>The instances the front door knows.</summary>
    int Instances { get; }

    /// <summary>The instances running when the load begins.</summary>
    int StartedInstances { get; }

    /// <summary>Before the load: whatever the scenario needs to compare against later.</summary>
    Task PrepareAsync(Orchestration.Cluster cluster, LoadClient load);

    /// <summary>While the load runs: the scenario's operations at their times; returns when the last one is done.</summary>
    Task RunAsync(Orchestration.Cluster cluster, LoadClient load, Timeline timeline, int duration);

    /// <summary>After the load: the scenario's own expectations (the load's own are judged by the runner).</summary>
    Task<IReadOnlyList<Expectation>> JudgeAsync(Orchestration.Cluster cluster, LoadClient load, Timeline timeline);
}
