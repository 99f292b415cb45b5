using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on loopback with the cookie session in front of one handler, for behaviour that depends on
/// how the server starts the response, which the in-memory server only imitates.
/// </summary>
internal sealed class KestrelSessionHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelSessionHost(WebApplication app)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public HttpClient Client { get; }

    public static async Task<KestrelSessionHost> StartAsync(RequestDelegate handler, Action<IApplicationBuilder>? beforeSession = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddCookieSession(o => o.Secret = SessionTestHost.Secret);
        var app = builder.Build();
        beforeSession?.Invoke(app);
        app.UseCookieSession();
        app.Run(handler);
        await app.StartAsync();
        return new KestrelSessionHost(app);
    }

    /// <summary>The Set-Cookie headers of a GET to <paramref name="path"/>.</summary>
    public async Task<IReadOnlyList<string>> SetCookiesOfAsync(string path)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        return response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
