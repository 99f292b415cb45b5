using System.Reflection;
using CookieSession.BrowserTests.Demo;
using CookieSession.BrowserTests.Infrastructure;

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

    private readonly StartedOnFirstUse<(string, CookieSessionFormat), DemoApp> _apps = new();

    /// <summary>The sample's DLL, built with the tests (see the project file).</summary>
    public static string AssemblyPath(string sample) => typeof(SampleApps).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SampleAssembly:" + sample).Value!;

    /// <summary>
    /// <paramref name="sample"/> running <paramref name="format"/>, started if it is not yet, in Development as dotnet
    /// run's launchSettings.json starts it: the Blazor sample's script is a static web asset of the build.
    /// </summary>
    public Task<DemoApp> GetAsync(string sample, CookieSessionFormat format)
        => _apps.GetAsync((sample, format), () => DemoApp.StartAsync(AssemblyPath(sample), format, environment: "Development"));

    public ValueTask DisposeAsync() => _apps.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SampleAppsCollection : ICollectionFixture<SampleApps>
{
    public const string Name = "App-model samples";
}
