namespace CookieSession.Cluster.Scenarios;

/// <summary>Something the issue says must hold, whether it did, and the figure that says so.</summary>
internal sealed record Expectation(string What, bool Held, string Measured);
