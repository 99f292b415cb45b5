namespace CookieSession.BrowserTests.Infrastructure;

/// <summary>
/// The host names the tests browse to. Chromium resolves every <c>*.test</c> name to 127.0.0.1 (see
/// <see cref="ChromiumBrowser"/>), so one loopback server answers them all, yet to the browser each is a site of
/// its own: cookies, SameSite and partitions see two sites. None is <c>localhost</c>, which Chromium treats as a
/// secure context even over plain HTTP, and which would hide what <c>Secure</c> does.
/// </summary>
public static class Sites
{
    /// <summary>The site whose session the tests look at.</summary>
    public const string A = "site-a.test";

    /// <summary>Another site: the cross-site page that links to, posts to or embeds <see cref="A"/>.</summary>
    public const string B = "site-b.test";

    /// <summary>What Chromium is told: every name under <c>.test</c> is 127.0.0.1, the port kept.</summary>
    public const string HostResolverRules = "MAP *.test 127.0.0.1";
}
