using System.Diagnostics;

namespace CookieSession.BrowserTests.Migration;

/// <summary>
/// The migration demo's start when it cannot run as asked: it stops at once with a message that says what to do,
/// instead of a front door that answers 502.
/// </summary>
public sealed class MigrationDemoStartupTests
{
    [Fact]
    public async Task RailsBackend_RubyMissing_StopsNamingTheDebianPackages()
    {
        // An empty PATH: no ruby, whatever this machine has installed.
        var (exitCode, output) = await RunDemoAsync("Rails", path: Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "no-tools")).FullName);

        Assert.Equal(1, exitCode);
        Assert.Contains("'ruby' was not found on PATH", output, StringComparison.Ordinal);
        Assert.Contains("apt-get install ruby-rails ruby-webrick", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownBackend_StopsNamingTheChoices()
    {
        var (exitCode, output) = await RunDemoAsync("Phoenix", path: null);

        Assert.Equal(2, exitCode);
        Assert.Contains("Migration:Backend is 'Phoenix': it must be one of Node, Rails, Flask, Django", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunDemoAsync(string backend, string? path)
    {
        var dll = MigrationDemo.FindDemo();
        // Resolved on this process's PATH, before the child's own PATH applies.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Migration__DotNetUrl"] = "http://127.0.0.1:0";
        start.Environment["Migration__OldAppPort"] = "0";
        start.Environment["Migration__Backend"] = backend;
        if (path is not null)
        {
            start.Environment["PATH"] = path;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await output + await errors);
    }
}
