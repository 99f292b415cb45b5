using System.Diagnostics;
using System.Reflection;
using CookieSession.BrowserTests.Infrastructure;

namespace CookieSession.BrowserTests.Demo;

/// <summary>
/// The demo (samples/CookieSession.Demo) as a process of its own, started the way its README says with no
/// configuration but the format: <c>dotnet CookieSession.Demo.dll --CookieSession:Format=...</c>, on a free loopback
/// port. One process per format, started when a test first asks for it and stopped when the collection's tests end:
/// the demo keeps nothing per visitor on the server, so tests share it, each with a browser context of its own.
/// </summary>
public sealed class DemoApps : IAsyncDisposable
{
    private readonly StartedOnFirstUse<CookieSessionFormat, DemoApp> _apps = new();

    /// <summary>The demo's DLL, built with the tests (see the project file).</summary>
    public static string AssemblyPath { get; } = typeof(DemoApps).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "DemoAssembly").Value!;

    /// <summary>The demo running <paramref name="format"/>, started if it is not yet.</summary>
    public Task<DemoApp> GetAsync(CookieSessionFormat format) => _apps.GetAsync(format, () => DemoApp.StartAsync(format));

    public ValueTask DisposeAsync() => _apps.DisposeAsync();
}

/// <summary>One running demo.</summary>
public sealed class DemoApp : IAsyncDisposable
{
    private readonly StartedProcess _process;
    private readonly DirectoryInfo _home;

    private DemoApp(CookieSessionFormat format, StartedProcess process, DirectoryInfo home)
    {
        Format = format;
        _process = process;
        _home = home;
    }

    public CookieSessionFormat Format { get; }

    /// <summary>The name of the session cookie under <see cref="Format"/>, as the library's defaults make it.</summary>
    public string CookieName => Format switch
    {
        CookieSessionFormat.ExpressCookieSession => CookieSessionDefaults.ExpressCookieName,
        CookieSessionFormat.Protected => CookieSessionDefaults.ProtectedCookieName,
        CookieSessionFormat.IronSession => CookieSessionDefaults.IronSessionCookieName,
        _ => CookieSessionDefaults.CookieName,
    };

    /// <summary>The address of <paramref name="path"/> on <see cref="Sites.A"/>.</summary>
    public string Url(string path) => $"http://{Sites.A}:{_process.Url.Port}{path}";

    /// <summary>The address of <paramref name="path"/> on the loopback address the demo listens on, for an HTTP client without a browser.</summary>
    public Uri LoopbackUrl(string path) => new(_process.Url, path);

    /// <summary>What the demo printed so far.</summary>
    public string Output() => _process.Output();

    public static Task<DemoApp> StartAsync(CookieSessionFormat format) => StartAsync(DemoApps.AssemblyPath, format);

    /// <summary>
    /// Starts the app built at <paramref name="dll"/> (the demo or another sample) in <paramref name="format"/>, in
    /// <paramref name="environment"/> when given one (<c>dotnet run</c> gives the samples Development).
    /// </summary>
    public static async Task<DemoApp> StartAsync(string dll, CookieSessionFormat format, string? environment = null)
    {
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The app is not built at {dll}: the test project builds it through its project reference.");
        }

        // A home of its own: the Protected format's Data Protection keys go to $HOME/.aspnet, not the user's profile.
        var home = Directory.CreateTempSubdirectory("cookiesession-demo-");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            // The demo's folder, where its appsettings.json is, as under dotnet run.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add($"--CookieSession:Format={format}");
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["HOME"] = home.FullName;
        start.Environment.Remove("CookieSession__Secret");
        start.Environment.Remove("CookieSession__Format");
        if (environment is not null)
        {
            start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        }
        try
        {
            return new DemoApp(format, await StartedProcess.StartAsync(start), home);
        }
        catch
        {
            home.Delete(recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _home.Delete(recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class DemoCollection : ICollectionFixture<DemoApps>
{
    public const string Name = "Demo";
}
