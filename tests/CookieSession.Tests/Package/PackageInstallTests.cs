using System.Diagnostics;

namespace CookieSession.Tests.Package;

/// <summary>
/// As a new user would: the library packed with <c>dotnet pack</c>, installed into a fresh app from a local folder
/// feed (and nothing else), built and run.
/// </summary>
[Collection(LibraryBuildCollection.Name)]
public sealed class PackageInstallTests
{
    private const string AppProject = """
        <Project Sdk="Microsoft.NET.Sdk.Web">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="CookieSession" Version="*" />
          </ItemGroup>
        </Project>
        """;

    private const string AppProgram = """
        using System.Text.Json.Serialization;
        using CookieSession;

        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddCookieSession(o => o.Secret = "a secret of at least thirty-two bytes, for the test");
        var app = builder.Build();
        app.UseCookieSession();
        app.MapGet("/", (HttpContext context) =>
        {
            var session = context.GetCookieSession();
            var n = session.Get("n", AppJson.Default.Int32) + 1;
            session.Set("n", n, AppJson.Default.Int32);
            return n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var first = await http.GetAsync("/");
        var cookie = first.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var second = new HttpRequestMessage(HttpMethod.Get, "/");
        second.Headers.Add("Cookie", cookie);
        Console.WriteLine(await first.Content.ReadAsStringAsync() + " " + await (await http.SendAsync(second)).Content.ReadAsStringAsync() + " " + cookie.Split('=')[0]);
        await app.StopAsync();

        [JsonSerializable(typeof(int))]
        internal sealed partial class AppJson : JsonSerializerContext;
        """;

    [Fact]
    public async Task Package_InstalledIntoAFreshApp_BuildsAndRuns()
    {
        var root = FindRepositoryRoot();
        var work = Directory.CreateTempSubdirectory("cookiesession-package-");
        try
        {
            var feed = Directory.CreateDirectory(Path.Combine(work.FullName, "feed")).FullName;
            var app = Directory.CreateDirectory(Path.Combine(work.FullName, "app")).FullName;
            var packages = Path.Combine(work.FullName, "packages");

            var pack = await RunAsync(root, "dotnet", "pack", Path.Combine(root, "src", "CookieSession", "CookieSession.csproj"), "-c", "Release", "-o", feed, "-nodeReuse:false");
            Assert.True(pack.Code == 0, pack.Output);
            var package = Assert.Single(Directory.GetFiles(feed, "CookieSession.*.nupkg"));
            var symbols = Assert.Single(Directory.GetFiles(feed, "CookieSession.*.snupkg"));
            using (var archive = System.IO.Compression.ZipFile.OpenRead(package))
            {
                var nuspec = new StreamReader(archive.GetEntry("CookieSession.nuspec")!.Open()).ReadToEnd();
                Assert.Contains("<license type=\"expression\">MIT</license>", nuspec, StringComparison.Ordinal);
                Assert.Contains("<readme>README.md</readme>", nuspec, StringComparison.Ordinal);
                Assert.Contains("<tags>", nuspec, StringComparison.Ordinal);
                Assert.Contains("<description>", nuspec, StringComparison.Ordinal);
                Assert.NotNull(archive.GetEntry("README.md"));
                Assert.NotNull(archive.GetEntry("lib/net10.0/CookieSession.dll"));
                Assert.NotNull(archive.GetEntry("lib/net10.0/CookieSession.xml"));
            }

            using (var archive = System.IO.Compression.ZipFile.OpenRead(symbols))
            {
                Assert.NotNull(archive.GetEntry("lib/net10.0/CookieSession.pdb"));
            }

            await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), AppProject, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), AppProgram, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """, TestContext.Current.CancellationToken);

            var run = await RunAsync(app, "dotnet", "run", "-nodeReuse:false", "-p:RestorePackagesPath=" + packages);

            Assert.True(run.Code == 0, run.Output);
            Assert.Contains("1 2 connect.sess", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Runs a program to its end (at most five minutes) and returns its exit code and output.</summary>
    internal static async Task<(int Code, string Output)> RunAsync(string directory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments.Where(a => a.Length > 0))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Never leave a build behind writing the library's output while the next test builds it.
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }

    internal static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CookieSession.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("CookieSession.slnx");
    }
}
