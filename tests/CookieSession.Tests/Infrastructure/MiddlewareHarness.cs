using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.Tests.Infrastructure;

/// <summary>
/// The cookie session middleware in front of one handler, driven directly with a fresh
/// <see cref="DefaultHttpContext"/> per request instead of through <see cref="SessionTestHost"/>'s server:
/// for tests that send thousands of requests (a request costs tens of microseconds here). It does what a
/// server does around the pipeline: the response starts when the application is done (the handler must not
/// write a body), and an exception from the application or from an <c>OnStarting</c> callback is a 500.
/// </summary>
internal sealed class MiddlewareHarness : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly RequestDelegate _pipeline;

    public MiddlewareHarness(RequestDelegate handler, Action<CookieSessionOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        Logs = new FakeLogCollector();
        var collection = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)))
            .AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)))
            .AddCookieSession(o =>
            {
                o.Secret = SessionTestHost.Secret;
                configure?.Invoke(o);
            });
        services?.Invoke(collection);
        _services = collection.BuildServiceProvider(validateScopes: true);
        var app = new ApplicationBuilder(_services);
        app.UseCookieSession();
        app.Run(handler);
        _pipeline = app.Build();
    }

    public FakeLogCollector Logs { get; }

    /// <summary>Runs one GET of <c>/</c> with these <c>Cookie</c> headers (and any other headers) and starts its response.</summary>
    public async Task<HarnessResponse> SendAsync(StringValues cookieHeaders, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        Logs.Clear();
        var response = new ResponseFeature();
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature { Path = "/", Method = "GET", Scheme = "http", Protocol = "HTTP/1.1" });
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        var context = new DefaultHttpContext(features) { RequestServices = _services };
        if (cookieHeaders.Count > 0)
        {
            context.Request.Headers.Cookie = cookieHeaders;
        }

        foreach (var (name, value) in headers ?? [])
        {
            context.Request.Headers.Append(name, value);
        }

        Exception? error = null;
        try
        {
            await _pipeline(context);
        }
        catch (Exception e)
        {
            error = e;
        }

        try
        {
            await response.StartAsync();
        }
        catch (Exception e)
        {
            error ??= e;
        }

        return new HarnessResponse(
            error is null ? response.StatusCode : StatusCodes.Status500InternalServerError,
            error,
            context.Response.Headers.SetCookie.Where(v => v is not null).Select(v => v!).ToList(),
            context.Items,
            Logs.GetSnapshot(clear: true));
    }

    public void Dispose() => _services.Dispose();

    private sealed class ResponseFeature : IHttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _onStarting = [];

        public int StatusCode { get; set; } = StatusCodes.Status200OK;

        public string? ReasonPhrase { get; set; }

        public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();

        public Stream Body { get; set; } = Stream.Null;

        public bool HasStarted { get; private set; }

        public void OnStarting(Func<object, Task> callback, object state) => _onStarting.Add((callback, state));

        public void OnCompleted(Func<object, Task> callback, object state)
        {
        }

        /// <summary>As a server does: the callbacks in reverse order of registration, then the response has started.</summary>
        public async Task StartAsync()
        {
            try
            {
                for (var i = _onStarting.Count - 1; i >= 0; i--)
                {
                    var (callback, state) = _onStarting[i];
                    await callback(state);
                }
            }
            finally
            {
                HasStarted = true;
            }
        }
    }
}

/// <summary>What one request through <see cref="MiddlewareHarness"/> gave back.</summary>
internal sealed record HarnessResponse(
    int StatusCode,
    Exception? Exception,
    IReadOnlyList<string> SetCookieHeaders,
    IDictionary<object, object?> Items,
    IReadOnlyList<FakeLogRecord> Logs)
{
    /// <summary>What a browser sends back after this response: the name=value of every Set-Cookie, in order.</summary>
    public string CookiesToSend() => string.Join("; ", SetCookieHeaders.Select(h => h.Split(';')[0]));
}
