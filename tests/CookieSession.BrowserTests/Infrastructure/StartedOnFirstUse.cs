namespace CookieSession.BrowserTests.Infrastructure;

/// <summary>
/// Things a collection of tests shares, started when a test first asks for one (one per key) and disposed together
/// when the collection's tests end: the running demo or sample apps.
/// </summary>
public sealed class StartedOnFirstUse<TKey, TValue> : IAsyncDisposable
    where TKey : notnull
    where TValue : IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<TKey, TValue> _started = [];

    /// <summary>The one started for <paramref name="key"/>, started by <paramref name="start"/> if there is none yet.</summary>
    public async Task<TValue> GetAsync(TKey key, Func<Task<TValue>> start)
    {
        await _lock.WaitAsync();
        try
        {
            if (!_started.TryGetValue(key, out var value))
            {
                value = await start();
                _started[key] = value;
            }

            return value;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var value in _started.Values)
        {
            await value.DisposeAsync();
        }

        _lock.Dispose();
    }
}
