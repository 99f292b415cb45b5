using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Session;

/// <summary>HttpContext.Session (ASP.NET's ISession) over the same cookie.</summary>
public sealed class AspNetSessionTests
{
    [Fact]
    public async Task SetString_IsStoredAsJsonString_AndReadBack()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.Session.SetString("name", "Zoë \"Z\"");
            await context.Response.WriteAsync(context.Session.GetString("name")!);
        });

        var transaction = await host.SendAsync();

        Assert.Equal("Zoë \"Z\"", transaction.Body);
        Assert.Equal("{\"name\":\"Zoë \\\"Z\\\"\"}", TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x00, 0x80 })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0, 0, 0, 1 })]
    [InlineData(new byte[] { 0x68, 0x69 })]
    public async Task SetBytes_AnyBytes_RoundTripExactlyAcrossRequests(byte[] bytes)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            if (context.Request.Query.ContainsKey("write"))
            {
                context.Session.Set("data", bytes);
                await context.Response.WriteAsync("written");
                return;
            }

            await context.Response.WriteAsync(context.Session.TryGetValue("data", out var read) ? Convert.ToHexString(read) : "missing");
        });

        var first = await host.SendAsync("/?write=1");
        var second = await host.SendAsync(cookie: first.CookieToSend());

        Assert.Equal(Convert.ToHexString(bytes), second.Body);
    }

    [Fact]
    public async Task GetString_ValueNodeWrote_NonStringsReadAsTheirJson()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
            await context.Response.WriteAsync(string.Join("|",
                context.Session.GetString("count"),
                context.Session.GetString("user"),
                context.Session.GetString("flags"),
                context.Session.GetString("nothing"),
                context.Session.GetString("absent") ?? "absent")));

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"count\":1,\"user\":{\"id\":7},\"flags\":[true],\"nothing\":null}"));

        Assert.Equal("1|{\"id\":7}|[true]|null|absent", transaction.Body);
    }

    [Fact]
    public async Task KeysRemoveClear_ActOnTheSameSession()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.Session;
            await session.LoadAsync();
            var keys = string.Join(",", session.Keys);
            session.Remove("a");
            var afterRemove = string.Join(",", context.GetCookieSession().Keys);
            session.Clear();
            await session.CommitAsync();
            await context.Response.WriteAsync($"{session.IsAvailable} {session.Id.Length} {keys} {afterRemove} {context.GetCookieSession().IsPopulated}");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"a\":1,\"b\":2}"));

        Assert.Equal("True 0 a,b b False", transaction.Body);
        Assert.Equal("{}", TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
    }

    [Fact]
    public async Task Session_ReplacingIt_IsRefused()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var feature = context.Features.Get<Microsoft.AspNetCore.Http.Features.ISessionFeature>()!;
            var error = Record.Exception(() => feature.Session = null!);
            await context.Response.WriteAsync(error?.GetType().Name ?? "none");
        });

        Assert.Equal("NotSupportedException", (await host.SendAsync()).Body);
    }

    [Fact]
    public async Task LoadAsync_CancelledTokenBeforeLoading_ThrowsOperationCanceled()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            var error = await Record.ExceptionAsync(() => context.Session.LoadAsync(cancelled.Token));
            await context.Response.WriteAsync(error?.GetType().Name ?? "none");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"user\":\"ana\"}"));

        Assert.Equal(nameof(OperationCanceledException), transaction.Body);
    }

    [Fact]
    public async Task LoadAsync_CancelledTokenOnceLoaded_DoesNotThrow()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            await context.Session.LoadAsync();
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            await context.Session.LoadAsync(cancelled.Token);
            await context.Response.WriteAsync(context.Session.GetString("user") ?? "none");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"user\":\"ana\"}"));

        Assert.Equal("ana", transaction.Body);
    }
}
