using CookieSession.Cookies;
using CookieSession.Formats;
using CookieSession.Formats.Iron;

namespace CookieSession.Tests.Formats.Iron;

/// <summary>The iron-session codec's own decisions, apart from sealing (see <see cref="IronSealTests"/>).</summary>
public sealed class IronCodecTests
{
    private const string Password = "the iron-session password, 32 characters or more";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1796526245);

    [Theory]
    [InlineData(30, 30)]             // a ttl within iron's 60 s skew is the cookie's Max-Age as it is
    [InlineData(60, 60)]             // so is one of exactly the skew
    [InlineData(61, 1)]              // past it, the seal outlives the cookie by the skew
    [InlineData(1209600, 1209540)]   // iron-session's default of 14 days
    [InlineData(0, int.MaxValue)]    // a ttl of 0 seals with no expiry, and the cookie is kept as long as a browser allows
    public void LimitLifetime_NoLifetimeSet_MaxAgeIsTtlLessTheSkew(int ttlSeconds, int expectedMaxAgeSeconds)
    {
        var limited = Codec(TimeSpan.FromSeconds(ttlSeconds)).LimitLifetime(default, new SessionTimes(Now, Now));

        Assert.Equal(new CookieLifetime(TimeSpan.FromSeconds(expectedMaxAgeSeconds), null), limited);
    }

    [Theory]
    [InlineData(3600, null)]
    [InlineData(null, 3600)]
    [InlineData(30 * 86400, 30 * 86400)]
    public void LimitLifetime_LifetimeSetByTheApplication_KeptAsSet(int? maxAgeSeconds, int? expiresInSeconds)
    {
        var given = new CookieLifetime(
            maxAgeSeconds is { } maxAge ? TimeSpan.FromSeconds(maxAge) : null,
            expiresInSeconds is { } expires ? Now.AddSeconds(expires) : null);

        var limited = Codec(TimeSpan.FromSeconds(61)).LimitLifetime(given, new SessionTimes(Now, Now));

        Assert.Equal(given, limited);
    }

    private static IronCodec Codec(TimeSpan ttl)
        => new(new IronPasswordRing(new Dictionary<int, string> { [1] = Password }), ttl, TimeProvider.System);
}
