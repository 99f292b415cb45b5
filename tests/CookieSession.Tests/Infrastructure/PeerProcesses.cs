using System.Collections.Concurrent;

namespace CookieSession.Tests.Infrastructure;

/// <summary>
/// The peer processes a test fixture runs, one per configuration: each started when a test first asks for it (tests
/// asking for different ones start them side by side), shared by the tests after it, and all stopped when the fixture
/// is disposed. A peer that failed to start keeps failing the tests that ask for it, with the same message.
/// </summary>
internal sealed class PeerProcesses : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Task<PeerProcess>> _started = new();

    /// <summary>The address of the peer for <paramref name="configuration"/>, started by <paramref name="start"/> if there is none yet.</summary>
    public async Task<Uri> GetOrStartAsync(string configuration, Func<Task<PeerProcess>> start)
        => (await _started.GetOrAdd(configuration, _ => start())).Address;

    public async ValueTask DisposeAsync()
    {
        var running = _started.Values.Where(peer => peer.IsCompletedSuccessfully).Select(peer => peer.Result.DisposeAsync().AsTask());
        await Task.WhenAll(running);
    }
}
