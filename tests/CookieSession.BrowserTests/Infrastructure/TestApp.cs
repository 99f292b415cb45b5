using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace CookieSession.BrowserTests.Infrastructure;

/// <summary>
/// A real ASP.NET Core app on Kestrel, in this process, for one test: bound to 127.0.0.1 on free ports, over
/// HTTP and, when asked, HTTPS with <see cref="TestCertificate"/>. Each test builds its own little app through
/// the two callbacks (its own <see cref="CookieSessionOptions"/>, its own routes). The browser reaches it under
/// any <see cref="Sites"/> name: <c>app.Url(Sites.A, "/login")</c>.
/// </summary>
/// <remarks>
/// The environment is Production, as a deployed app's: an unhandled exception is a bare 500, no developer page.
/// Data Protection keeps its keys in a temporary folder of the app's own, deleted with it, so that no test writes
/// a key ring into the user's profile. Logs go to a <see cref="FakeLogCollector"/> (<see cref="Logs"/>), so a test
/// can see what the server did, an exception included, without the console.
/// </remarks>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DirectoryInfo _keys;
    private readonly int _httpPort;
    private readonly int? _httpsPort;

    private TestApp(WebApplication app, DirectoryInfo keys, int httpPort, int? httpsPort)
    {
        _app = app;
        _keys = keys;
        _httpPort = httpPort;
        _httpsPort = httpsPort;
    }

    /// <summary>What the app logged, at every level.</summary>
    public FakeLogCollector Logs => _app.Services.GetRequiredService<FakeLogCollector>();

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the app: services first (add the session there), then the pipeline and endpoints.</summary>
    /// <param name="configureServices">Registers the app's services, e.g. <c>AddCookieSession</c>.</param>
    /// <param name="configureApp">Builds the pipeline: <c>UseCookieSession</c> and the routes.</param>
    /// <param name="https">Whether to listen for HTTPS too, on a port of its own.</param>
    public static async Task<TestApp> StartAsync(Action<IServiceCollection> configureServices, Action<WebApplication> configureApp, bool https = false)
    {
        var keys = Directory.CreateTempSubdirectory("cookiesession-browser-keys-");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFakeLogging();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            if (https)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(TestCertificate.Instance));
            }
        });
        builder.Services.AddDataProtection().SetApplicationName("browser-tests").PersistKeysToFileSystem(keys);
        configureServices(builder.Services);

        var app = builder.Build();
        configureApp(app);
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            keys.Delete(recursive: true);
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Select(a => new Uri(a)).ToList();
        var httpPort = addresses.Single(a => a.Scheme == Uri.UriSchemeHttp).Port;
        int? httpsPort = https ? addresses.Single(a => a.Scheme == Uri.UriSchemeHttps).Port : null;
        return new TestApp(app, keys, httpPort, httpsPort);
    }

    /// <summary>The plain HTTP address of <paramref name="path"/> under the host name <paramref name="host"/>.</summary>
    public string Url(string host, string path) => $"http://{host}:{_httpPort}{path}";

    /// <summary>The HTTPS address of <paramref name="path"/> under the host name <paramref name="host"/>.</summary>
    public string HttpsUrl(string host, string path)
        => $"https://{host}:{_httpsPort ?? throw new InvalidOperationException("This app was started without HTTPS.")}{path}";

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        try
        {
            _keys.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is not worth failing a test for.
        }
    }
}
