using CookieSession.BrowserTests.Infrastructure;

namespace CookieSession.BrowserTests.Formats;

/// <summary>
/// The formats that split a session too large for one cookie: Protected (ASP.NET's chunks: <c>name=chunks-N</c>,
/// <c>nameC1</c> ... <c>nameCN</c>) and IronSession (iron-session's: <c>name.0</c> ... <c>name.3</c>). Chromium
/// must keep every chunk (each within its 4096 bytes), send them all back, and drop them all when the session
/// is cleared or shrinks.
/// </summary>
public sealed class ChunkedSessionTests(ChromiumBrowser browser) : BrowserTest(browser)
{
    /// <summary>
    /// A format, the size of a session (within Protected's <c>MaxChunkedSize</c> of 7680 bytes once encrypted),
    /// and the cookies it takes.
    /// </summary>
    public static TheoryData<CookieSessionFormat, int, string[]> ChunkNames => new()
    {
        { CookieSessionFormat.Protected, 4_500, [".CookieSession", ".CookieSessionC1", ".CookieSessionC2"] },
        { CookieSessionFormat.IronSession, 6_000, ["iron-session.0", "iron-session.1", "iron-session.2"] },
    };

    [Theory]
    [MemberData(nameof(ChunkNames))]
    public async Task LargeSession_RoundTripsThroughTheBrowserInChunks(CookieSessionFormat format, int size, string[] chunks)
    {
        var app = await StartSessionAppAsync(TestSessions.Options(format));

        Assert.Equal($"stored {size}", await GoToAsync(app.Url(Sites.A, $"/big?size={size}")));

        var jar = await JarAsync();
        Assert.Equal(chunks, jar.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(jar, c => Assert.InRange(c.Name.Length + c.Value.Length, 1, 4096));
        Assert.Equal(string.Join(",", chunks), await GoToAsync(app.Url(Sites.A, "/cookies")));
        Assert.Equal(SessionRoutes.BigValue(size), await GoToAsync(app.Url(Sites.A, "/big/read")));
    }

    [Theory]
    [MemberData(nameof(ChunkNames))]
    public async Task ClearCookieSession_ChunkedSession_EveryChunkLeavesTheJar(CookieSessionFormat format, int size, string[] chunks)
    {
        var app = await StartSessionAppAsync(TestSessions.Options(format));
        await GoToAsync(app.Url(Sites.A, $"/big?size={size}"));
        Assert.Equal(chunks.Length, (await JarAsync()).Count);

        Assert.Equal("signed out", await GoToAsync(app.Url(Sites.A, "/logout")));

        Assert.Empty(await JarAsync());
        Assert.Equal("none", await GoToAsync(app.Url(Sites.A, "/big/read")));
    }

    [Theory]
    [MemberData(nameof(ChunkNames))]
    public async Task ShrinkingSession_ChunksLeftOverLeaveTheJar(CookieSessionFormat format, int size, string[] chunks)
    {
        var app = await StartSessionAppAsync(TestSessions.Options(format));
        await GoToAsync(app.Url(Sites.A, $"/big?size={size}"));
        Assert.Equal(chunks.Length, (await JarAsync()).Count);

        await GoToAsync(app.Url(Sites.A, "/big?size=10"));

        var cookie = Assert.Single(await JarAsync());
        Assert.Equal(TestSessions.CookieName(format), cookie.Name);
        Assert.Equal(SessionRoutes.BigValue(10), await GoToAsync(app.Url(Sites.A, "/big/read")));
    }
}
