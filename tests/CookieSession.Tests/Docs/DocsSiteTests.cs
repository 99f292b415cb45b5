using CookieSession.Tests.Package;

namespace CookieSession.Tests.Docs;

/// <summary>
/// The documentation site as a reader gets it: <c>dotnet docfx docs/docfx.json --warningsAsErrors</c> (DocFX from the
/// tool manifest, <c>.config/dotnet-tools.json</c>) builds the API reference from the built library and its XML docs,
/// and every page under docs/, with no warning: a broken link, bookmark or cross-reference fails it.
/// </summary>
[Collection(LibraryBuildCollection.Name)]
public sealed class DocsSiteTests
{
    [Fact]
    public async Task DocFx_BuildsWithoutWarnings()
    {
        var root = PackageInstallTests.FindRepositoryRoot();
        var site = Directory.CreateTempSubdirectory("cookiesession-site-");
        try
        {
            // docfx.json reads the API from bin/Release: the library and its XML documentation file.
            var build = await PackageInstallTests.RunAsync(
                root, "dotnet", "build", Path.Combine(root, "src", "CookieSession", "CookieSession.csproj"), "-c", "Release", "-nodeReuse:false");
            Assert.True(build.Code == 0, build.Output);

            var restore = await PackageInstallTests.RunAsync(root, "dotnet", "tool", "restore");
            Assert.True(restore.Code == 0, restore.Output);

            var docfx = await PackageInstallTests.RunAsync(
                root, "dotnet", "docfx", Path.Combine(root, "docs", "docfx.json"), "--warningsAsErrors", "--output", site.FullName);
            Assert.True(docfx.Code == 0, docfx.Output);
            Assert.Contains("0 warning(s)", docfx.Output, StringComparison.Ordinal);

            Assert.True(File.Exists(Path.Combine(site.FullName, "index.html")), docfx.Output);
            var missing = typeof(CookieSessionOptions).Assembly.GetExportedTypes()
                .Select(t => (t.FullName ?? t.Name).Replace('`', '-').Replace('+', '.') + ".html")
                .Where(page => !File.Exists(Path.Combine(site.FullName, "api", page)))
                .ToList();
            Assert.True(missing.Count == 0, "no API page for " + string.Join(", ", missing));
        }
        finally
        {
            site.Delete(recursive: true);
        }
    }
}
