using System.Collections.Concurrent;

namespace CookieSession.Cluster.Load;

/// <summary>What the load saw: every request's outcome and latency, by the time it started.</summary>
internal sealed class LoadFigures
{
    private readonly ConcurrentBag<List<Sample>> _samples = [];
    private readonly ConcurrentDictionary<int, int> _statuses = new();
    private long _requests;
    private long _lost;
    private long _refusedUnderRevokedKey;
    private long _skipped;
    private long _transportErrors;
    private long _timeouts;
    private long _cookieChangedOnError;

    /// <summary>Requests answered or failed.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Sessions that came back empty (counter at 1 again) while their cookie was under a key still valid: a user signed out.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Sessions that came back empty while their cookie was under a revoked key: refused, as they must be.</summary>
    public long RefusedUnderRevokedKey => Interlocked.Read(ref _refusedUnderRevokedKey);

    /// <summary>Answers whose counter was neither the next number nor 1: a write that went missing or came twice.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Requests that failed below HTTP: connection refused or reset.</summary>
    public long TransportErrors => Interlocked.Read(ref _transportErrors);

    /// <summary>Requests with no answer within the client's timeout.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>Answers other than 2xx that changed or deleted the session cookie (there must be none: an error is not a sign-out).</summary>
    public long CookieChangedOnError => Interlocked.Read(ref _cookieChangedOnError);

    /// <summary>Answers other than 2xx, by status.</summary>
    public IReadOnlyDictionary<int, int> Non2xx => _statuses;

    public long Non2xxTotal => _statuses.Values.Sum();

    public IEnumerable<Sample> Samples => _samples.SelectMany(s => s);

    public List<Sample> NewWorkerLog()
    {
        var log = new List<Sample>(capacity: 8192);
        _samples.Add(log);
        return log;
    }

    public void Count(Outcome outcome, int status = 0)
    {
        Interlocked.Increment(ref _requests);
        switch (outcome)
        {
            case Outcome.Lost: Interlocked.Increment(ref _lost); break;
            case Outcome.RefusedUnderRevokedKey: Interlocked.Increment(ref _refusedUnderRevokedKey); break;
            case Outcome.Skipped: Interlocked.Increment(ref _skipped); break;
            case Outcome.TransportError: Interlocked.Increment(ref _transportErrors); break;
            case Outcome.Timeout: Interlocked.Increment(ref _timeouts); break;
            case Outcome.Non2xx: _statuses.AddOrUpdate(status, 1, (_, n) => n + 1); break;
        }
    }

    public void CookieChangedByError() => Interlocked.Increment(ref _cookieChangedOnError);

    /// <summary>The latency at percentile <paramref name="p"/> (0 to 100) of the requests started in [from, to), in ms.</summary>
    public double Percentile(double p, double from = 0, double to = double.MaxValue)
    {
        var sorted = Samples.Where(s => s.Start >= from && s.Start < to).Select(s => s.Milliseconds).Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The slowest request that was in flight at any moment of [from, to), in ms.</summary>
    public double SlowestDuring(double from, double to)
        => Samples.Where(s => s.Start < to && s.Start + (s.Milliseconds / 1000) >= from).Select(s => s.Milliseconds).DefaultIfEmpty(0).Max();

    /// <summary>A request: when it started (seconds since the load began), how long it took, and how it ended.</summary>
    internal readonly record struct Sample(double Start, double Milliseconds, Outcome Outcome);
}

internal enum Outcome
{
    Ok,
    Lost,
    RefusedUnderRevokedKey,
    Skipped,
    Non2xx,
    TransportError,
    Timeout,
}
