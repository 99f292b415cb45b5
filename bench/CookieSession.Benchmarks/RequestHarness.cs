using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CookieSession.Benchmarks;

/// <summary>
/// One <see cref="DefaultHttpContext"/> reused for every operation, as Kestrel reuses its contexts, with a
/// response feature that runs the OnStarting callbacks: what a benchmark measures is then the middleware,
/// not the harness.
/// </summary>
internal sealed class RequestHarness
{
    private readonly ResponseFeature _response = new();
    private readonly DefaultHttpContext _context;
    private readonly RequestDelegate _pipeline;
    private readonly string? _cookie;

    public RequestHarness(RequestDelegate pipeline, IServiceProvider services, string? cookie)
    {
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature { Path = "/", Method = "GET", Scheme = "http", Protocol = "HTTP/1.1" });
        features.Set<IHttpResponseFeature>(_response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        _context = new DefaultHttpContext(features) { RequestServices = services };
        _pipeline = pipeline;
        _cookie = cookie;
    }

    public HttpContext Context => _context;

    /// <summary>Runs one request through the pipeline and starts the response.</summary>
    public async Task RunAsync()
    {
        var request = _context.Request;
        request.Headers.Clear();
        if (_cookie is not null)
        {
            request.Headers.Cookie = _cookie;
        }

        _context.Response.Headers.Clear();
        _response.Reset();
        await _pipeline(_context);
        await _response.StartAsync();
    }

    /// <summary>The Set-Cookie of the last response.</summary>
    public string? SetCookie => _context.Response.Headers.SetCookie.ToString() is { Length: > 0 } value ? value : null;

    private sealed class ResponseFeature : IHttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _onStarting = [];

        public int StatusCode { get; set; } = 200;

        public string? ReasonPhrase { get; set; }

        public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();

        public Stream Body { get; set; } = Stream.Null;

        public bool HasStarted { get; private set; }

        public void OnStarting(Func<object, Task> callback, object state) => _onStarting.Add((callback, state));

        public void OnCompleted(Func<object, Task> callback, object state)
        {
        }

        public void Reset()
        {
            _onStarting.Clear();
            HasStarted = false;
            StatusCode = 200;
        }

        public async Task StartAsync()
        {
            for (var i = _onStarting.Count - 1; i >= 0; i--)
            {
                var (callback, state) = _onStarting[i];
                await callback(state);
            }

            HasStarted = true;
        }
    }
}
