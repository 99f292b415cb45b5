using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.Tests.Infrastructure;

/// <summary>
/// An in-memory server with the cookie session middleware in front of one handler, a fake clock and a
/// log collector: the one place tests set up a host.
/// </summary>
internal sealed class SessionTestHost : IAsyncDisposable
{
    public const string Secret = "some secret";

    private readonly IHost _host;

    private SessionTestHost(IHost host, FakeLogCollector logs, FakeTimeProvider time)
    {
        _host = host;
        Logs = logs;
        Time = time;
    }

    public FakeLogCollector Logs { get; }

    public FakeTimeProvider Time { get; }

    public TestServer Server => _host.GetTestServer();

    public static Task<SessionTestHost> StartAsync(RequestDelegate handler, Action<CookieSessionOptions>? configure = null)
        => StartAsync(handler, configure, services: null);

    public static Task<SessionTestHost> StartAsync(
        RequestDelegate handler,
        Action<CookieSessionOptions>? configure,
        Action<IServiceCollection>? services,
        Action<IApplicationBuilder>? beforeSession = null,
        bool withDefaultSecret = true,
        Action<IApplicationBuilder>? afterSession = null)
        => StartPipelineAsync(
            app =>
            {
                afterSession?.Invoke(app);
                app.Run(handler);
            },
            configure,
            services,
            beforeSession,
            withDefaultSecret);

    /// <summary>Starts a host whose pipeline after the session middleware is <paramref name="afterSession"/> (routing and MVC, say).</summary>
    public static async Task<SessionTestHost> StartPipelineAsync(
        Action<IApplicationBuilder> afterSession,
        Action<CookieSessionOptions>? configure,
        Action<IServiceCollection>? services,
        Action<IApplicationBuilder>? beforeSession = null,
        bool withDefaultSecret = true)
    {
        var logs = new FakeLogCollector();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var host = new HostBuilder()
            .ConfigureWebHost(web => web
                .UseTestServer()
                .ConfigureServices(s =>
                {
                    s.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
                    s.AddSingleton<TimeProvider>(time);
                    s.AddCookieSession(o =>
                    {
                        if (withDefaultSecret)
                        {
                            o.Secret = Secret;
                        }

                        configure?.Invoke(o);
                    });
                    services?.Invoke(s);
                })
                .Configure(app =>
                {
                    beforeSession?.Invoke(app);
                    app.UseCookieSession();
                    afterSession(app);
                }))
            .Build();
        await host.StartAsync();
        return new SessionTestHost(host, logs, time);
    }

    /// <summary>Sends a GET, with a Cookie header when given one.</summary>
    public Task<Transaction> SendAsync(string path = "/", string? cookie = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path.StartsWith("http", StringComparison.Ordinal) ? new Uri(path) : new Uri(Server.BaseAddress, path));
        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        configure?.Invoke(request);
        return SendAsync(request);
    }

    public async Task<Transaction> SendAsync(HttpRequestMessage request)
    {
        using var client = Server.CreateClient();
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new Transaction(response, body);
    }

    /// <summary>The messages logged with this event name.</summary>
    public IReadOnlyList<FakeLogRecord> LogsOf(string eventName)
        => Logs.GetSnapshot().Where(r => r.Id.Name == eventName).ToList();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
