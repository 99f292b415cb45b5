using System.Diagnostics;
using System.Globalization;

namespace CookieSession.Tests.Infrastructure;

/// <summary>PeerProcess starts, reports and stops a peer as the interop fixtures rely on, shown with real shell processes.</summary>
public sealed class PeerProcessTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("cookiesession-peer-");

    [Fact]
    public async Task StartAsync_PrintsListening_AddressIsThatLoopbackPort()
    {
        await using var peer = await PeerProcess.StartAsync("The test peer", Shell("echo 'warming up'; echo 'listening 5123'; read _"), TimeSpan.FromSeconds(30));

        Assert.Equal(new Uri("http://127.0.0.1:5123/"), peer.Address);
    }

    [Fact]
    public async Task DisposeAsync_PeerReadsItsInput_ExitsWhenItCloses()
    {
        var stopped = Path.Combine(_directory.FullName, "stopped");
        var peer = await PeerProcess.StartAsync("The test peer", Shell($"echo 'listening 5123'; read _; touch '{stopped}'"), TimeSpan.FromSeconds(30));

        await peer.DisposeAsync();

        Assert.True(File.Exists(stopped), "the peer should have run on to its end once its input closed, not been killed");
    }

    [Fact]
    public async Task DisposeAsync_PeerIgnoresItsInput_KilledAfterTheGrace()
    {
        var pidFile = Path.Combine(_directory.FullName, "pid");
        var peer = await PeerProcess.StartAsync(
            "The test peer", Shell($"echo $$ > '{pidFile}'; echo 'listening 5123'; exec sleep 600"), TimeSpan.FromSeconds(30), stopGrace: TimeSpan.FromMilliseconds(200));
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);

        await peer.DisposeAsync();

        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
    }

    [Fact]
    public async Task StartAsync_ExitsBeforeListening_ThrowsWithItsErrorsAndExitCode()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => PeerProcess.StartAsync("The test peer", Shell("echo 'cannot import flask' >&2; exit 3"), TimeSpan.FromSeconds(30)));

        Assert.StartsWith("The test peer exited before it listened (exit code 3)", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot import flask", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NeverListens_ThrowsWithItsErrorsAndStopsIt()
    {
        var pidFile = Path.Combine(_directory.FullName, "pid");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PeerProcess.StartAsync(
            "The test peer", Shell($"echo $$ > '{pidFile}'; echo 'still loading' >&2; exec sleep 600"), TimeSpan.FromSeconds(2), stopGrace: TimeSpan.FromMilliseconds(200)));

        Assert.StartsWith("The test peer was not listening within", error.Message, StringComparison.Ordinal);
        Assert.Contains("still loading", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture)));
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private static ProcessStartInfo Shell(string script)
    {
        var start = new ProcessStartInfo("/bin/sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return start;
    }
}
