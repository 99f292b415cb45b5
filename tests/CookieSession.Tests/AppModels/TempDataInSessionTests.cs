using System.Net;
using CookieSession.Tests.Infrastructure;
using CookieSession.Tests.Properties;

namespace CookieSession.Tests.AppModels;

/// <summary>
/// MVC's TempData kept in the session (<c>AddSessionStateTempDataProvider</c>), in every format: a value lives for
/// the next request that reads it, unless peeked, kept or read before a redirect, and it is saved however the
/// response is written.
/// </summary>
public sealed class TempDataInSessionTests
{
    [Theory]
    [MemberData(nameof(FuzzFormats.Names), MemberType = typeof(FuzzFormats))]
    public async Task Get_AfterSet_ReturnsTheValueOnceThenNothing(string format)
    {
        await using var host = await MvcSessionHost.StartAsync(format);
        var jar = new CookieJar();

        var set = await jar.SendAsync(host, "/tempdata/set?value=Foo");
        var first = await jar.SendAsync(host, "/tempdata/get");
        var second = await jar.SendAsync(host, "/tempdata/get");

        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal((HttpStatusCode.OK, "Foo"), (first.Status, first.Body));
        Assert.Equal(HttpStatusCode.NoContent, second.Status);
    }

    [Theory]
    [MemberData(nameof(FuzzFormats.Names), MemberType = typeof(FuzzFormats))]
    public async Task Peek_LeavesTheValueForTheNextRead(string format)
    {
        await using var host = await MvcSessionHost.StartAsync(format);
        var jar = new CookieJar();
        await jar.SendAsync(host, "/tempdata/set?value=Foo");

        var peeked = await jar.SendAsync(host, "/tempdata/peek");
        var read = await jar.SendAsync(host, "/tempdata/get");
        var after = await jar.SendAsync(host, "/tempdata/get");

        Assert.Equal("Foo", peeked.Body);
        Assert.Equal("Foo", read.Body);
        Assert.Equal(HttpStatusCode.NoContent, after.Status);
    }

    [Theory]
    [MemberData(nameof(FuzzFormats.Names), MemberType = typeof(FuzzFormats))]
    public async Task Keep_AfterRead_LeavesTheValueForTheNextRead(string format)
    {
        await using var host = await MvcSessionHost.StartAsync(format);
        var jar = new CookieJar();
        await jar.SendAsync(host, "/tempdata/set?value=Foo");

        var kept = await jar.SendAsync(host, "/tempdata/read-and-keep");
        var read = await jar.SendAsync(host, "/tempdata/get");

        Assert.Equal("Foo", kept.Body);
        Assert.Equal("Foo", read.Body);
    }

    [Theory]
    [MemberData(nameof(FuzzFormats.Names), MemberType = typeof(FuzzFormats))]
    public async Task Redirect_AfterRead_KeepsTheValueForThePageRedirectedTo(string format)
    {
        await using var host = await MvcSessionHost.StartAsync(format);
        var jar = new CookieJar();
        await jar.SendAsync(host, "/tempdata/set?value=Foo");

        var redirect = await jar.SendAsync(host, "/tempdata/read-and-redirect");
        var target = await jar.SendAsync(host, redirect.Response.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.Redirect, redirect.Status);
        Assert.Equal((HttpStatusCode.OK, "Foo"), (target.Status, target.Body));
    }

    [Theory]
    [MemberData(nameof(FuzzFormats.Names), MemberType = typeof(FuzzFormats))]
    public async Task Set_ActionWritesTheBodyItself_ValueSavedBeforeTheBodyStarts(string format)
    {
        await using var host = await MvcSessionHost.StartAsync(format);
        var jar = new CookieJar();

        var written = await jar.SendAsync(host, "/tempdata/set-then-write?value=Foo");
        var read = await jar.SendAsync(host, "/tempdata/get");

        Assert.Equal((HttpStatusCode.OK, "written"), (written.Status, written.Body));
        Assert.Equal("Foo", read.Body);
    }

    [Theory]
    [MemberData(nameof(FuzzFormats.Names), MemberType = typeof(FuzzFormats))]
    public async Task Set_FileResult_ValueSavedBeforeTheFileIsSent(string format)
    {
        await using var host = await MvcSessionHost.StartAsync(format);
        var jar = new CookieJar();

        var file = await jar.SendAsync(host, "/tempdata/set-then-file?value=Foo");
        var read = await jar.SendAsync(host, "/tempdata/get");

        Assert.Equal((HttpStatusCode.OK, "file"), (file.Status, file.Body));
        Assert.Equal("Foo", read.Body);
    }

    [Theory]
    [MemberData(nameof(FuzzFormats.Names), MemberType = typeof(FuzzFormats))]
    public async Task Set_NextToOtherSessionValues_ReadingTheFlashLeavesTheOthers(string format)
    {
        await using var host = await MvcSessionHost.StartAsync(format);
        var jar = new CookieJar();

        await jar.SendAsync(host, "/tempdata/set-with-user?value=Foo&user=Ada");
        var read = await jar.SendAsync(host, "/tempdata/get");
        var user = await jar.SendAsync(host, "/tempdata/user");
        var again = await jar.SendAsync(host, "/tempdata/get");

        Assert.Equal("Foo", read.Body);
        Assert.Equal("Ada", user.Body);
        Assert.Equal(HttpStatusCode.NoContent, again.Status);
    }
}
