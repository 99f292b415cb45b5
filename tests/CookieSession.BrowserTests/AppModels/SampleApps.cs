using System.Reflection;
using CookieSession.BrowserTests.Demo;

namespace CookieSession.BrowserTests.AppModels;

/// <summary>
/// The app-model samples (samples/CookieSession.Mvc, .RazorPages, .Blazor) as processes of their own, started as
/// <c>dotnet run</c> starts them (Development, the format on the command line), one per sample and format, when a
/// test first asks for it, and stopped when the collection's tests end. They keep nothing per visitor on the server,
/// so tests share them, each with a browser context of its own.
/// </summary>
public sealed class SampleApps : IAsyncDisposable
{
    public const string Mvc = "CookieSession.Mvc";
    public const string RazorPages = "CookieSession.RazorPages";
    public const string Blazor = "CookieSession.Blazor";

    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<(string, CookieSessionFormat), DemoApp> _apps = [];

    /// <summary>The sample's DLL, built with the tests (see the project file).</summary>
    public static string AssemblyPath(string sample) => typeof(SampleApps).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SampleAssembly:" + sample).Value!;

    /// <summary><paramref name="sample"/> running <paramref name="format"/>, started if it is not yet.</summary>
    public async Task<DemoApp> GetAsync(string sample, CookieSessionFormat format)
    {
        await _lock.WaitAsync();
        try
        {
            if (!_apps.TryGetValue((sample, format), out var app))
            {
                // Development, as dotnet run's launchSettings.json gives it: the Blazor sample's script is a static web asset of the build.
                app = await DemoApp.StartAsync(AssemblyPath(sample), format, environment: "Development");
                _apps[(sample, format)] = app;
            }

            return app;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            await app.DisposeAsync();
        }

        _lock.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SampleAppsCollection : ICollectionFixture<SampleApps>
{
    public const string Name = "App-model samples";
}
