using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace CookieSession.Benchmarks;

/// <summary>
/// A fresh <see cref="DefaultHttpContext"/> for every request, over features made once (Kestrel keeps its own), with a
/// response feature that keeps its OnStarting callbacks in a list sized up front, as Kestrel reuses its stack: what a
/// benchmark measures is then the middleware, not the harness.
/// </summary>
internal sealed class RequestHarness
{
    private readonly ResponseFeature _response = new();
    private readonly HttpRequestFeature _request = new() { Path = "/", Method = "GET", Scheme = "http", Protocol = "HTTP/1.1" };
    private readonly StreamResponseBodyFeature _body = new(Stream.Null);
    private readonly IServiceProvider _services;
    private readonly RequestDelegate _pipeline;
    private readonly string? _seed;
    private readonly bool _sendsBack;
    private StringValues _cookie;
    private DefaultHttpContext _context;

    /// <param name="sendsBack">
    /// Whether each request sends what the response before it set, as a browser does: the <c>Set-Cookie</c> headers
    /// themselves go back as the <c>Cookie</c> header (with no copy made), their attributes read as cookies of other
    /// names, which the session never asks for.
    /// </param>
    public RequestHarness(RequestDelegate pipeline, IServiceProvider services, string? cookie, bool sendsBack = false)
    {
        _services = services;
        _pipeline = pipeline;
        _seed = cookie;
        _cookie = cookie;
        _sendsBack = sendsBack;
        _context = NewContext();
    }

    public HttpContext Context => _context;

    /// <summary>
    /// Another harness over the same pipeline, services and first cookie: its own request and response, the same
    /// middleware. From the first cookie, not the last one sent back, which may be several headers.
    /// </summary>
    public RequestHarness Twin() => new(_pipeline, _services, _seed, _sendsBack);

    /// <summary>Runs one request through the pipeline, in a new context, and starts the response.</summary>
    public async Task RunAsync()
    {
        _request.Headers.Clear();
        if (!StringValues.IsNullOrEmpty(_cookie))
        {
            _request.Headers.Cookie = _cookie;
        }

        _response.Reset();
        _context = NewContext();
        await _pipeline(_context);
        await _response.StartAsync();
        if (_sendsBack && _response.Headers.SetCookie is { Count: > 0 } set)
        {
            _cookie = set;
        }
    }

    /// <summary>The Set-Cookie of the last response.</summary>
    public string? SetCookie => _context.Response.Headers.SetCookie.ToString() is { Length: > 0 } value ? value : null;

    private DefaultHttpContext NewContext()
    {
        // Room for the features middlewares add, as Kestrel's own collection has a slot for each it knows and a list for others.
        var features = new FeatureCollection(8);
        features[typeof(IHttpRequestFeature)] = _request;
        features[typeof(IHttpResponseFeature)] = _response;
        features[typeof(IHttpResponseBodyFeature)] = _body;
        return new DefaultHttpContext(features) { RequestServices = _services };
    }

    private sealed class ResponseFeature : IHttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _onStarting = new(8);

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
            Headers.Clear();
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
