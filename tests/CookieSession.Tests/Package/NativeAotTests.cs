using System.Diagnostics;

namespace CookieSession.Tests.Package;

/// <summary>
/// The library under Native AOT: samples/CookieSession.AotSample published as a native executable (with no trimming or
/// AOT warning: the build treats warnings as errors) and run, each format through source-generated typed access.
/// Needs clang (Debian's <c>clang</c>; <c>zlib1g-dev</c> too): without it the test is skipped with a message, and fails
/// under CI=true, where .ci/run installs it.
/// </summary>
[Collection(LibraryBuildCollection.Name)]
public sealed class NativeAotTests
{
    [Fact]
    public async Task AotSample_PublishedNative_RunsEveryFormat()
    {
        if (!OnPath("clang"))
        {
            const string Missing = "clang is not on PATH: Native AOT cannot link (Debian: apt-get install clang zlib1g-dev).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(Missing + " CI=true, so this is a failure, not a skip.");
            }

            Assert.Skip(Missing);
        }

        var root = PackageInstallTests.FindRepositoryRoot();
        var output = Directory.CreateTempSubdirectory("cookiesession-aot-");
        try
        {
            var publish = await PackageInstallTests.RunAsync(
                root, "dotnet", "publish", Path.Combine(root, "samples", "CookieSession.AotSample", "CookieSession.AotSample.csproj"), "-c", "Release", "-o", output.FullName, "-nodeReuse:false");
            Assert.True(publish.Code == 0, publish.Output);
            Assert.DoesNotContain("warning IL", publish.Output, StringComparison.Ordinal);

            var executable = Path.Combine(output.FullName, "CookieSession.AotSample");
            Assert.True(File.Exists(executable), publish.Output);
            foreach (var format in new[] { "", "--protected" })
            {
                var run = await PackageInstallTests.RunAsync(output.FullName, executable, format);
                Assert.True(run.Code == 0, run.Output);
                Assert.Contains("1:item1 2:item1,item2 saved:1", run.Output, StringComparison.Ordinal);
            }
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static bool OnPath(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Any(directory => File.Exists(Path.Combine(directory, tool)));
}

/// <summary>The tests that build the library in Release (pack, Native AOT publish) run one at a time: they share its output.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LibraryBuildCollection
{
    public const string Name = "Builds the library in Release";
}
