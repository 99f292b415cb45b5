using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Session;

/// <summary>
/// A host that reuses one feature collection for the requests of a connection (and does not clear features it does not
/// know) must never hand one request's session to the next.
/// </summary>
public sealed class ReusedFeaturesTests
{
    [Theory]
    [InlineData("read")]
    [InlineData("untouched")]
    [InlineData("changed")]
    public async Task NextRequestOnTheSameFeatures_GetsItsOwnSession(string firstRequest)
    {
        using var services = new ServiceCollection().AddLogging().AddCookieSession(o => o.Secret = SessionTestHost.Secret).BuildServiceProvider();
        string? seen = null;
        var app = new ApplicationBuilder(services);
        app.UseCookieSession();
        app.Run(context =>
        {
            var session = context.GetCookieSession();
            if (context.Request.Path == "/first")
            {
                if (firstRequest == "read")
                {
                    _ = session.Get<string>("user");
                }
                else if (firstRequest == "changed")
                {
                    session.Set("visits", 1);
                }
            }
            else
            {
                seen = session.Get<string>("user") ?? "none";
            }

            return Task.CompletedTask;
        });
        var pipeline = app.Build();
        var response = new StartingResponse();
        var request = new HttpRequestFeature { Method = "GET", Scheme = "http", Protocol = "HTTP/1.1" };
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));

        // Ana's request, with her cookie; then another user's, without one, on the same features.
        request.Path = "/first";
        request.Headers = new HeaderDictionary { ["Cookie"] = TestSigning.SessionCookie("{\"user\":\"ana\"}") };
        await pipeline(new DefaultHttpContext(features) { RequestServices = services });
        await response.StartAsync();
        response.Reset();
        request.Path = "/second";
        request.Headers = new HeaderDictionary();
        await pipeline(new DefaultHttpContext(features) { RequestServices = services });
        await response.StartAsync();

        Assert.Equal("none", seen);
    }

    private sealed class StartingResponse : IHttpResponseFeature
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

        public async Task StartAsync()
        {
            for (var i = _onStarting.Count - 1; i >= 0; i--)
            {
                await _onStarting[i].Callback(_onStarting[i].State);
            }

            HasStarted = true;
        }

        public void Reset()
        {
            _onStarting.Clear();
            Headers = new HeaderDictionary();
            HasStarted = false;
        }
    }
}
