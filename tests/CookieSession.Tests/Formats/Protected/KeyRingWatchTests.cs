using System.Buffers.Binary;
using System.Security.Cryptography;
using CookieSession.Tests.Formats.Protected;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Formats.Protected;

/// <summary>Which key ring the Protected format watches for rotation and revocation, and how often a cookie can make it reload.</summary>
public sealed class KeyRingWatchTests
{
    private const string Name = CookieSessionDefaults.ProtectedCookieName;

    /// <summary>
    /// A provider not built on the container's key ring (DataProtectionProvider.Create, or one from another container)
    /// cannot be watched: a revocation in its own ring goes unseen by the format's cache of data keys, which is why the
    /// docs ask for the container's Data Protection. This pins the limitation down.
    /// </summary>
    [Theory]
    [InlineData(1024)]
    [InlineData(0)] // cache off: the DataKeys cache alone is enough
    public async Task Revocation_InAProviderNotBuiltOnTheContainersKeyRing_GoesUnseen(int cacheSize)
    {
        var keys = ProtectedHost.NewKeyFolder();
        var own = new ServiceCollection();
        own.AddDataProtection().SetApplicationName("shop").PersistKeysToFileSystem(new DirectoryInfo(keys));
        await using var ownServices = own.BuildServiceProvider();
        var provider = ownServices.GetRequiredService<IDataProtectionProvider>();

        // DataProtectionProvider.Create returns the same type, so it takes the same path.
        Assert.StartsWith("Microsoft.AspNetCore.DataProtection.KeyManagement.KeyRingBased",
            DataProtectionProvider.Create(new DirectoryInfo(ProtectedHost.NewKeyFolder())).GetType().FullName, StringComparison.Ordinal);

        await using var host = await SessionTestHost.StartAsync(
            ProtectedHost.Counter,
            o =>
            {
                o.Format = CookieSessionFormat.Protected;
                o.VerifiedCookieCacheSize = cacheSize;
            },
            services: s => s.AddSingleton(provider),
            withDefaultSecret: false);
        var jar = new CookieJar();
        Assert.Equal("1", (await jar.SendAsync(host)).Body);
        Assert.Equal("2", (await jar.SendAsync(host)).Body);
        var value = jar.Cookies[Name];

        ownServices.GetRequiredService<IKeyManager>().RevokeAllKeys(DateTimeOffset.UtcNow.AddMinutes(1), "compromised");

        // Data Protection itself now refuses the cookie's data key ...
        Assert.ThrowsAny<CryptographicException>(() => ProtectedCookie.Open(provider, Name, value));

        // ... but the session still opens.
        var after = await host.SendAsync(cookie: $"{Name}={value}");
        Assert.Equal("1", after.Body);
    }

    /// <summary>
    /// A key id the library's view of the ring does not list asks for a read of the key store, which settles it: a
    /// forged id is refused without making Data Protection reload its ring (which would drop every cached data key and
    /// verified value).
    /// </summary>
    [Fact]
    public async Task ForgedKeyId_ReloadsTheKeyRingAtMostOnceASecond()
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Counter);
        var rings = host.Server.Services.GetRequiredService<IKeyRingProvider>();
        var jar = new CookieJar();
        await jar.SendAsync(host);
        var before = rings.GetCurrentKeyRing();

        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance) { before };
        for (var i = 0; i < 5; i++)
        {
            await host.SendAsync(cookie: $"{Name}={ForgedCookie()}");
            seen.Add(rings.GetCurrentKeyRing());
        }

        // One reload is allowed (a key made on another server may be new); the next forged ids within the second are not.
        Assert.InRange(seen.Count, 1, 2);
    }

    private static string ForgedCookie()
    {
        // A Data Protection payload header (magic 0x09F0C9F0 + a key id nobody has) and junk, wrapped as version 1.
        var wrapped = new byte[4 + 16 + 80];
        BinaryPrimitives.WriteUInt32BigEndian(wrapped, 0x09F0C9F0);
        Guid.NewGuid().TryWriteBytes(wrapped.AsSpan(4));
        RandomNumberGenerator.Fill(wrapped.AsSpan(20));
        var cookie = new byte[3 + wrapped.Length + 12 + 16 + 16];
        cookie[0] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(cookie.AsSpan(1), (ushort)wrapped.Length);
        wrapped.CopyTo(cookie, 3);
        return WebEncoders.Base64UrlEncode(cookie);
    }
}
