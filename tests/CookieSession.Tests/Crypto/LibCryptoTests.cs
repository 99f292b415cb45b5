using System.Security.Cryptography;
using CookieSession.Crypto;
using CookieSession.Tests.Infrastructure;

namespace CookieSession.Tests.Crypto;

/// <summary>Which OpenSSL the direct calls use: the one .NET loaded, and none when switched off.</summary>
public sealed class LibCryptoTests
{
    [Fact]
    public void TheSwitch_KeepsOpenSslUnloaded()
    {
        Assert.Equal(0, LibCrypto.Load(disabled: true));
    }

    [Fact]
    public void OnLinux_TheLibraryIsTheOneDotNetLoaded_NeverASecondCopy()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("OpenSSL is called directly only on Linux.");
            return;
        }

        MissingComponent.SkipOrFail(LibCrypto.Load(disabled: false) == 0 ? "No libcrypto of version 3 or 1.1 is mapped into this process, or it is in FIPS mode." : null);

        // .NET's own hashing and the direct calls both used, then one libcrypto file mapped, of the version .NET reports.
        SHA256.HashData([1, 2, 3]);
        Assert.NotNull(OpenSslSha.For(HashAlgorithmName.SHA256));
        var mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .Where(path => Path.GetFileName(path).StartsWith("libcrypto.so", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        Assert.Single(mapped);
        var major = SafeEvpPKeyHandle.OpenSslVersion >> 28;
        Assert.EndsWith(major == 3 ? "libcrypto.so.3" : "libcrypto.so.1.1", mapped[0]);
    }
}
