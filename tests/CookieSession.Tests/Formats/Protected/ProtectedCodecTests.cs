using CookieSession.Cookies;
using CookieSession.Formats;
using CookieSession.Formats.Protected;
using Microsoft.AspNetCore.DataProtection;

namespace CookieSession.Tests.Formats.Protected;

/// <summary>The Protected codec's own decisions, apart from the format as a whole (see <see cref="ProtectedFormatTests"/>).</summary>
public sealed class ProtectedCodecTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1796526245);

    [Theory]
    [InlineData(600, 600)]   // an Expires sooner than the idle timeout is kept
    [InlineData(3600, 1200)] // a later one is brought back to when the server stops accepting the cookie
    public void LimitLifetime_ExpiresOnly_NoLaterThanTheIdleTimeout(int expiresInSeconds, int expectedSeconds)
    {
        var codec = Codec(new CookieSessionOptions { IdleTimeout = TimeSpan.FromMinutes(20) });

        var limited = codec.LimitLifetime(new CookieLifetime(null, Now.AddSeconds(expiresInSeconds)), new SessionTimes(Now, Now));

        Assert.Equal(new CookieLifetime(null, Now.AddSeconds(expectedSeconds)), limited);
    }

    [Theory]
    [InlineData(60, 60)]    // an Expires sooner than what is left of the absolute timeout is kept
    [InlineData(600, 300)]  // a later one is brought back to the absolute timeout, before the idle one
    public void LimitLifetime_ExpiresOnly_NoLaterThanTheAbsoluteTimeout(int expiresInSeconds, int expectedSeconds)
    {
        var codec = Codec(new CookieSessionOptions { IdleTimeout = TimeSpan.FromMinutes(20), AbsoluteTimeout = TimeSpan.FromHours(8) });
        var createdAt = Now - TimeSpan.FromHours(8) + TimeSpan.FromMinutes(5);

        var limited = codec.LimitLifetime(new CookieLifetime(null, Now.AddSeconds(expiresInSeconds)), new SessionTimes(createdAt, Now));

        Assert.Equal(new CookieLifetime(null, Now.AddSeconds(expectedSeconds)), limited);
    }

    private static ProtectedCodec Codec(CookieSessionOptions options)
    {
        var provider = new EphemeralDataProtectionProvider();
        return new ProtectedCodec(new DataKeys(new PlainDataKeyProtector(provider.CreateProtector(ProtectedCodec.Purpose, "session"))), options, TimeProvider.System);
    }
}
