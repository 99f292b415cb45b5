using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Formats.Protected;

/// <summary>Protected sessions past one cookie: ASP.NET's chunk format, with a hard cap and no stale chunks.</summary>
public sealed class ChunkingTests
{
    private const string Name = CookieSessionDefaults.ProtectedCookieName;

    [Fact]
    public async Task LargeSession_IsChunked_AndReadBack()
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Blob);
        var jar = new CookieJar();

        var written = await jar.SendAsync(host, "/?length=5000");
        var read = await jar.SendAsync(host);

        Assert.Equal([".CookieSession", ".CookieSessionC1", ".CookieSessionC2"], written.SetCookies.Select(c => c.Name.Value!).ToArray());
        Assert.Equal("chunks-2", jar.Cookies[Name]);
        Assert.All(written.SetCookieHeaders, h => Assert.True(h.Length <= 4096, $"{h.Length} bytes"));
        Assert.Equal("5000", read.Body);
        Assert.Empty(read.SetCookies);
    }

    [Fact]
    public async Task Shrinking_DeletesTheChunksLeftOver()
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Blob);
        var jar = new CookieJar();
        await jar.SendAsync(host, "/?length=5000");

        var shrunk = await jar.SendAsync(host, "/?length=0");
        var read = await jar.SendAsync(host);

        Assert.Equal([".CookieSession"], jar.Cookies.Keys.ToArray());
        var deleted = shrunk.SetCookies.Where(c => c.Expires == DateTimeOffset.UnixEpoch).Select(c => c.Name.Value!).ToArray();
        Assert.Equal([".CookieSessionC1", ".CookieSessionC2"], deleted);
        Assert.Equal("0", read.Body);
    }

    [Fact]
    public async Task Clear_DeletesEveryChunkWithThePathAndDomain()
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Blob, o =>
        {
            o.Cookie.Path = "/";
            o.Cookie.Domain = "localhost";
        });
        var jar = new CookieJar();
        await jar.SendAsync(host, "/?length=5000");

        var cleared = await jar.SendAsync(host, "/clear");

        Assert.Empty(jar.Cookies);
        Assert.Equal(3, cleared.SetCookies.Count);
        Assert.All(cleared.SetCookies, c =>
        {
            Assert.Equal(DateTimeOffset.UnixEpoch, c.Expires);
            Assert.Equal("/", c.Path.Value);
            Assert.Equal("localhost", c.Domain.Value);
        });
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("empty")]
    [InlineData("count too low")]
    public async Task ChunksThatDoNotFitTogether_AreRefused(string how)
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Blob);
        var jar = new CookieJar();
        await jar.SendAsync(host, "/?length=5000");
        switch (how)
        {
            case "missing": jar.Remove(Name + "C2"); break;
            case "empty": jar.Set(Name + "C1", ""); break;
            default: jar.Set(Name, "chunks-1"); break;
        }

        var read = await host.SendAsync(cookie: jar.Header);

        Assert.Equal("0", read.Body);
        // A count too low joins too few chunks: what they make is not a whole cookie.
        var message = Assert.Single(host.LogsOf("CookieRejected")).Message;
        Assert.True(
            how == "count too low" ? message.Contains("MalformedEncoding", StringComparison.Ordinal) || message.Contains("Undecryptable", StringComparison.Ordinal)
                : message.Contains("MalformedChunks", StringComparison.Ordinal),
            message);
    }

    [Fact]
    public async Task ChunkWithWhiteSpaceInside_IsRefused()
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Blob);
        var jar = new CookieJar();
        await jar.SendAsync(host, "/?length=5000");
        var second = jar.Cookies[Name + "C2"];
        jar.Set(Name + "C2", second.Insert(second.Length / 2, " "));

        var read = await host.SendAsync(cookie: jar.Header);

        Assert.Equal("0", read.Body);
        Assert.Contains("MalformedEncoding", Assert.Single(host.LogsOf("CookieRejected")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkBeyondTheCount_IsIgnoredAndDeletedOnTheNextWrite()
    {
        // Two tabs: one wrote three chunks, the other then two; the browser keeps the first tab's third.
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Blob, o => o.MaxChunkedSize = 16_000);
        var jar = new CookieJar();
        await jar.SendAsync(host, "/?length=7000");
        var third = jar.Cookies[Name + "C3"];
        await jar.SendAsync(host, "/?length=5000");
        jar.Set(Name + "C3", third);

        var read = await host.SendAsync(cookie: jar.Header);
        var rewritten = await jar.SendAsync(host, "/?length=4000");

        Assert.Equal("5000", read.Body);
        Assert.Contains(rewritten.SetCookies, c => c.Name.Value == Name + "C3" && c.Expires == DateTimeOffset.UnixEpoch);
        Assert.False(jar.Cookies.ContainsKey(Name + "C3"));
    }

    [Fact]
    public async Task ConcurrentWrites_FewerChunksWrittenLast_ReadsTheLastWrite()
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Blob, o => o.MaxChunkedSize = 16_000);
        var jar = new CookieJar();
        await jar.SendAsync(host, "/?length=5000");
        var header = jar.Header;

        // Two tabs send the same two chunks; the answer with three arrives first, then the one with two.
        var three = await host.SendAsync("/?length=10000", header);
        var two = await host.SendAsync("/?length=5002", header);
        jar.Keep(three);
        jar.Keep(two);
        var next = await jar.SendAsync(host, "/");

        Assert.Equal("5002", next.Body);
    }

    [Theory]
    [InlineData(".CookieSession=chunks-2; .CookieSessionC1=SECRETVALUEAAAA; .CookieSessionC2=")]
    [InlineData(".CookieSession=chunks-2; .CookieSessionC1=SECRETVALUEAAAA; .CookieSessionC2=\"\"")]
    [InlineData(".CookieSession=chunks-2; .CookieSessionC1=SECRETVALUEAAAA; .CookieSessionC2=SECRETVALUEBBBB; .CookieSessionC3=x")]
    [InlineData(".CookieSession=chunks-00; .CookieSessionC1=SECRETVALUEAAAA")]
    [InlineData(".CookieSession=chunks-17")]
    [InlineData(".CookieSession=chunks-1; .CookieSessionC1=SECRETVALUE%%%")]
    [InlineData(".CookieSessionC1=SECRETVALUEAAAA; .CookieSessionC2=SECRETVALUEBBBB")]
    [InlineData(".CookieSession=\"chunks-2\"; .CookieSessionC1=\"SECRETVALUEAAAA\"; .CookieSessionC2=SECRETVALUEBBBB")]
    [InlineData(".CookieSession=SECRETVALUE====; .CookieSessionC1=SECRETVALUEAAAA")]
    [InlineData(".CookieSession=CfDJ8SECRETVALUE")]
    [InlineData(".CookieSession=\"")]
    [InlineData(".CookieSession=chunks-2; .CookieSession=chunks-3; .CookieSessionC1=SECRETVALUEAAAA; .CookieSessionC2=SECRETVALUEBBBB")]
    public async Task BadChunks_AnswerOkAndNeverLogTheValue(string header)
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Counter);

        var transaction = await host.SendAsync("/", header);

        Assert.Equal(System.Net.HttpStatusCode.OK, transaction.Status);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.Contains("SECRETVALUE", StringComparison.Ordinal) || (r.Exception?.ToString().Contains("SECRETVALUE", StringComparison.Ordinal) ?? false));
    }

    [Fact]
    public async Task HugeCount_DrivesNoWork()
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Blob);

        // 17 chunk cookies present and a count beyond the cap of 16: refused before any chunk is looked up.
        var cookies = string.Join("; ", Enumerable.Range(1, 17).Select(i => $"{Name}C{i}=AAAA"));
        var atCap = await host.SendAsync(cookie: $"{Name}=chunks-17; {cookies}");
        var beyond = await host.SendAsync(cookie: $"{Name}=chunks-2147483647");

        Assert.Equal("0", atCap.Body);
        Assert.Equal("0", beyond.Body);
        Assert.All(host.LogsOf("CookieRejected"), r => Assert.Contains("MalformedChunks", r.Message, StringComparison.Ordinal));
        Assert.Equal(2, host.LogsOf("CookieRejected").Count);
    }

    [Fact]
    public async Task OverTheTotalLimit_FailsLoudly()
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Blob);

        // The test server hands the exception of the response's start to the client; Kestrel answers 500.
        var thrown = await Assert.ThrowsAsync<CookieSessionTooLargeException>(() => host.SendAsync("/?length=7000"));

        Assert.Equal(7680, thrown.Limit);
        Assert.True(thrown.Size > 7680);
        var error = Assert.Single(host.LogsOf("CookieTooLarge"));
        Assert.Contains("7680", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverTheChunkCap_ExceptionSizeIsAboveItsLimit()
    {
        CookieSessionTooLargeException? error = null;
        await using var host = await ProtectedHost.StartAsync(
            async context =>
            {
                context.GetCookieSession().Set("blob", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(35000)));
                error = await Record.ExceptionAsync(() => context.Response.StartAsync(context.RequestAborted)) as CookieSessionTooLargeException;
            },
            o => o.MaxChunkedSize = 65_536);

        // The test server also hands the exception to the client.
        error ??= await Assert.ThrowsAsync<CookieSessionTooLargeException>(() => host.SendAsync());

        Assert.True(error.Size > error.Limit, error.Message);
    }

    [Fact]
    public async Task MaxChunkedSize_IsConfigurable()
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Blob, o => o.MaxChunkedSize = 16_000);
        var jar = new CookieJar();

        await jar.SendAsync(host, "/?length=7000");
        var read = await jar.SendAsync(host);

        Assert.Equal("7000", read.Body);
        Assert.Equal("chunks-3", jar.Cookies[Name]);
    }

    /// <summary>Attributes that leave no room for a value: no chunk can carry anything, said at once (a limit of 0).</summary>
    [Fact]
    public async Task AttributesLeavingNoRoomForAValue_ThrowsAtOnceWithALimitOfZero()
    {
        await using var host = await ProtectedHost.StartAsync(ProtectedHost.Counter, o =>
        {
            for (var i = 0; i < 5; i++)
            {
                o.Cookie.Extensions.Add("x" + i + "=" + new string('a', 1000));
            }
        });

        var error = await Assert.ThrowsAsync<CookieSessionTooLargeException>(() => host.SendAsync());

        Assert.Equal(0, error.Limit);
    }
}
