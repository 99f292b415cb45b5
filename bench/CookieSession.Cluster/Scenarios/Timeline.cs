namespace CookieSession.Cluster.Scenarios;

/// <summary>What the scenario did and when (seconds since the load began), and the windows of its faults.</summary>
internal sealed class Timeline
{
    private readonly List<(double At, string What)> _events = [];
    private readonly List<(string Name, double From, double To)> _windows = [];

    public IReadOnlyList<(double At, string What)> Events => _events;

    public IReadOnlyList<(string Name, double From, double To)> Windows => _windows;

    public void Event(double at, string what)
    {
        lock (_events)
        {
            _events.Add((at, what));
        }

        Console.WriteLine($"  {at,6:0.0} s  {what}");
    }

    public void Window(string name, double from, double to) => _windows.Add((name, from, to));
}
