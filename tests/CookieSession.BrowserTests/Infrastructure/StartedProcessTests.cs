using System.Diagnostics;

namespace CookieSession.BrowserTests.Infrastructure;

public sealed class StartedProcessTests
{
    private static ProcessStartInfo Shell(string script)
    {
        var start = new ProcessStartInfo("/bin/sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return start;
    }

    [Fact]
    public async Task StartAsync_AspNetCoreStyleOutput_ReadyWithEveryAddressAndKilledOnDispose()
    {
        var process = await StartedProcess.StartAsync(Shell(
            "echo 'info: Microsoft.Hosting.Lifetime[14]'; echo '      Now listening on: http://127.0.0.1:5123';"
            + " echo '      Now listening on: https://127.0.0.1:5124'; echo 'Application started. Press Ctrl+C to shut down.'; exec sleep 600"));
        Assert.False(process.HasExited);

        Assert.Equal([new Uri("http://127.0.0.1:5123"), new Uri("https://127.0.0.1:5124")], process.Urls);
        Assert.Equal(new Uri("http://127.0.0.1:5123"), process.Url);

        await process.DisposeAsync();
        Assert.True(process.HasExited);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(process.Id));
    }

    [Fact]
    public async Task StartAsync_ExitsBeforeListening_ThrowsWithItsOutput()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartedProcess.StartAsync(Shell("echo 'no secret configured' >&2; exit 3")));

        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("no secret configured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NeverReady_ThrowsAfterTheTimeout()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => StartedProcess.StartAsync(Shell("echo starting; exec sleep 600"), TimeSpan.FromMilliseconds(500)));

        Assert.Contains("was not ready", error.Message, StringComparison.Ordinal);
        Assert.Contains("starting", error.Message, StringComparison.Ordinal);
    }
}
