using System.Buffers.Binary;
using CookieSession.Tests.Infrastructure;
using CookieSession.Tests.Package;

namespace CookieSession.Tests.Docs;

/// <summary>
/// tools/CookieSession.Charts draws every chart of docs/images from the committed results in bench/results: a change
/// to a results file that its parser no longer reads fails here, not in the docs. Labels need Debian's
/// <c>fonts-dejavu-core</c>: without it the test is skipped with a message, and fails under CI=true, where .ci/run
/// installs it.
/// </summary>
[Collection(LibraryBuildCollection.Name)]
public sealed class ChartsTests
{
    private const string Font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    [Fact]
    public async Task Charts_FromCommittedResults_WritesEveryPng()
    {
        if (!File.Exists(Font))
        {
            MissingComponent.SkipOrFail("DejaVu Sans is not installed: the charts would have no labels (Debian: apt-get install fonts-dejavu-core).");
        }

        var root = PackageInstallTests.FindRepositoryRoot();
        var images = Directory.CreateTempSubdirectory("cookiesession-charts-");
        try
        {
            var run = await PackageInstallTests.RunAsync(
                root, "dotnet", "run", "--project", Path.Combine(root, "tools", "CookieSession.Charts"), "-c", "Release",
                "--", Path.Combine(root, "bench", "results"), images.FullName);
            Assert.True(run.Code == 0, run.Output);

            // The charts the docs show: the same names as the committed ones.
            var committed = Directory.GetFiles(Path.Combine(root, "docs", "images"), "*.png").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToArray();
            var drawn = Directory.GetFiles(images.FullName, "*.png").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(["cost-per-request.png", "load-requests-per-second.png", "soak-working-set.png"], drawn);
            Assert.Equal(drawn, committed);

            foreach (var png in Directory.GetFiles(images.FullName, "*.png"))
            {
                var bytes = await File.ReadAllBytesAsync(png, TestContext.Current.CancellationToken);
                Assert.True(bytes.AsSpan().StartsWith((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]), $"{png}: not a PNG");
                Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
                var width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16));
                var height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
                Assert.True(width >= 800 && height >= 400, $"{png}: {width}x{height}");

                // An empty plot of that size compresses to a few kilobytes; bars, lines and labels take far more.
                Assert.True(bytes.Length > 20_000, $"{png}: {bytes.Length} bytes, too few for a drawn chart");
            }
        }
        finally
        {
            images.Delete(recursive: true);
        }
    }
}
