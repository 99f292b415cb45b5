using System.Net;
using CookieSession.Tests.Infrastructure;
using CookieSession.Tests.Properties;

namespace CookieSession.Tests.AppModels;

/// <summary>
/// TempData in the session when an action throws: an exception that leaves the pipeline abandons every change of
/// the request, TempData's included; one an MVC exception filter handles is a normal response, and saves it.
/// </summary>
public sealed class TempDataExceptionTests
{
    [Theory]
    [MemberData(nameof(FuzzFormats.Names), MemberType = typeof(FuzzFormats))]
    public async Task Set_ActionThrows_ValueNotSavedAndCookieUnchanged(string format)
    {
        await using var host = await MvcSessionHost.StartAsync(format);
        var jar = new CookieJar();
        await jar.SendAsync(host, "/tempdata/set-with-user?value=Before&user=Ada");
        await jar.SendAsync(host, "/tempdata/get");

        var failed = await jar.SendAsync(host, "/tempdata/set-then-throw?value=Foo");
        var read = await jar.SendAsync(host, "/tempdata/get");
        var user = await jar.SendAsync(host, "/tempdata/user");

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Empty(failed.SetCookies);
        Assert.Equal(HttpStatusCode.NoContent, read.Status);
        Assert.Equal("Ada", user.Body);
    }

    [Theory]
    [MemberData(nameof(FuzzFormats.Names), MemberType = typeof(FuzzFormats))]
    public async Task Set_ExceptionFilterHandlesTheException_ValueSaved(string format)
    {
        await using var host = await MvcSessionHost.StartAsync(format);
        var jar = new CookieJar();

        var handled = await jar.SendAsync(host, "/tempdata/set-then-throw-handled?value=Foo");
        var read = await jar.SendAsync(host, "/tempdata/get");

        Assert.Equal((HttpStatusCode.OK, AnswerExceptionsFilterAttribute.Body), (handled.Status, handled.Body));
        Assert.Equal("Foo", read.Body);
    }
}
