using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace CookieSession.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on loopback whose cookie session options come from an <c>appsettings.json</c> of its own, read
/// with <c>reloadOnChange</c> as an application reads it: rewriting the file reloads the configuration.
/// </summary>
internal sealed class ConfiguredKestrelHost : IAsyncDisposable
{
    private const string FileName = "appsettings.json";

    /// <summary>How long a test waits for a rewritten file to take effect: generous, for busy machines.</summary>
    private static readonly TimeSpan ReloadBound = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;
    private readonly string _folder;

    private ConfiguredKestrelHost(WebApplication app, string folder, FakeLogCollector logs)
    {
        _app = app;
        _folder = folder;
        Logs = logs;
        // No cookie container: each request sends the Cookie header its test gives, and nothing else.
        Client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri(app.Urls.First()) };
    }

    public HttpClient Client { get; }

    public FakeLogCollector Logs { get; }

    /// <summary>Starts the server with <paramref name="json"/> as its configuration file and the options bound from its <c>CookieSession</c> section.</summary>
    public static async Task<ConfiguredKestrelHost> StartAsync(string json, RequestDelegate handler, Action<IServiceCollection>? services = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "cookiesession-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, FileName), json);

        var logs = new FakeLogCollector();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddJsonFile(new PhysicalFileProvider(folder), FileName, optional: false, reloadOnChange: true);
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddCookieSession(builder.Configuration.GetSection("CookieSession"));
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseCookieSession();
        app.Run(handler);
        await app.StartAsync();
        return new ConfiguredKestrelHost(app, folder, logs);
    }

    /// <summary>Replaces the configuration file whole (written aside, then renamed over it), as a deployment or a secret mount does.</summary>
    public async Task RewriteAsync(string json)
    {
        var written = Path.Combine(_folder, "next.json.tmp");
        await File.WriteAllTextAsync(written, json);
        File.Move(written, Path.Combine(_folder, FileName), overwrite: true);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test, saying what it waited for, past the bound.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + ReloadBound;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Still waiting, after {ReloadBound.TotalSeconds} s, for {what}.");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Sends a GET with <paramref name="cookie"/> as the Cookie header, when given.</summary>
    public async Task<Transaction> SendAsync(string path, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new Transaction(response, body);
    }

    /// <summary>The messages logged with this event name.</summary>
    public IReadOnlyList<FakeLogRecord> LogsOf(string eventName)
        => Logs.GetSnapshot().Where(r => r.Id.Name == eventName).ToList();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A watcher may still hold the folder for a moment; the temporary folder is the system's to clean.
        }
    }
}
