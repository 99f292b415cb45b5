using Microsoft.Playwright;

namespace CookieSession.BrowserTests.Infrastructure;

/// <summary>
/// One headless Chromium for the whole test run, driven by Playwright; each test gets a fresh
/// <see cref="IBrowserContext"/> of it (its own cookie jar). The browser is the system's, never a download:
/// <c>/usr/bin/chromium</c> (Debian's <c>chromium</c> package) or the path in <c>COOKIESESSION_CHROMIUM</c>.
/// Without it the tests are skipped, except under CI=true, where that fails them: CI must never pass by skipping
/// (.ci/run installs Debian's chromium).
/// </summary>
/// <remarks>
/// Chromium resolves <see cref="Sites.HostResolverRules"/>, so the tests browse to distinct sites that all reach
/// the loopback servers they start. Playwright's driver ends the browser when the test process ends, however it
/// ends: the driver reads its commands from the test process's pipe and quits, closing the browser, when it closes.
/// </remarks>
public sealed class ChromiumBrowser : IAsyncLifetime
{
    /// <summary>The environment variable that names another Chromium executable.</summary>
    public const string ExecutableVariable = "COOKIESESSION_CHROMIUM";

    /// <summary>Where Debian's chromium package puts its launcher.</summary>
    public const string DefaultExecutable = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _unavailable;

    /// <summary>The version Chromium reports, e.g. "156.0.8078.108".</summary>
    public string Version => Browser.Version;

    private IBrowser Browser
    {
        get
        {
            RequireChromium();
            return _browser!;
        }
    }

    public async ValueTask InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ExecutableVariable);
        var executable = string.IsNullOrEmpty(configured) ? DefaultExecutable : configured;
        if (!File.Exists(executable))
        {
            _unavailable = string.IsNullOrEmpty(configured)
                ? $"Chromium is not at {DefaultExecutable}: the browser tests cannot run (Debian: apt-get install chromium; or set {ExecutableVariable} to a Chromium executable)."
                : $"{ExecutableVariable} names {executable}, which does not exist: the browser tests cannot run.";
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args =
            [
                // A container has no user namespaces for the sandbox, no GPU and a small /dev/shm.
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--host-resolver-rules=" + Sites.HostResolverRules,
            ],
        });
    }

    /// <summary>Skips the test when Chromium is missing, or fails it under CI.</summary>
    public void RequireChromium()
    {
        if (_unavailable is null)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(_unavailable + " CI=true, so this is a failure, not a skip.");
        }

        Assert.Skip(_unavailable);
    }

    /// <summary>
    /// A new context: an empty cookie jar of its own. Certificate errors are ignored, since the test servers
    /// present a self-signed certificate (<see cref="TestCertificate"/>).
    /// </summary>
    public Task<IBrowserContext> NewContextAsync()
        => Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
