using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Formats.Flask;

/// <summary>The Flask format through the middleware: what its cookie becomes as the application changes the session.</summary>
public sealed class FlaskSessionTests
{
    private const string Secret = "the Flask app's SECRET_KEY, thirty-two bytes or more";

    private static void Flask(CookieSessionOptions options)
    {
        options.Format = CookieSessionFormat.Flask;
        options.Secret = Secret;
    }

    /// <summary><c>/write</c> stores a; <c>/remove</c> removes it; <c>/read</c> answers it, or "(none)".</summary>
    private static readonly RequestDelegate s_app = async context =>
    {
        var session = context.Session;
        switch (context.Request.Path.Value)
        {
            case "/write":
                session.SetString("a", "1");
                break;
            case "/remove":
                session.Remove("a");
                break;
        }

        await context.Response.WriteAsync(session.GetString("a") ?? "(none)");
    };

    [Fact]
    public async Task LastKeyRemoved_DeletesTheCookie_AsFlaskDoes()
    {
        // Flask's save_session deletes the cookie of a session that was modified and is now empty, never writes "{}".
        await using var host = await SessionTestHost.StartAsync(s_app, Flask);
        var cookie = (await host.SendAsync("/write")).CookieToSend(CookieSessionDefaults.FlaskCookieName);

        var removed = await host.SendAsync("/remove", cookie);

        var deleted = removed.SessionCookie(CookieSessionDefaults.FlaskCookieName);
        Assert.NotNull(deleted);
        Assert.Equal(DateTimeOffset.UnixEpoch, deleted.Expires);
        Assert.True(string.IsNullOrEmpty(deleted.Value.Value), "The deletion carries no value.");
        Assert.Single(host.LogsOf("SessionCleared"));
    }

    [Fact]
    public async Task EmptySessionReadOnly_WritesNothing()
    {
        await using var host = await SessionTestHost.StartAsync(s_app, Flask);

        var read = await host.SendAsync("/read");

        Assert.Equal("(none)", read.Body);
        Assert.Null(read.SessionCookie(CookieSessionDefaults.FlaskCookieName));
    }

    [Fact]
    public async Task KeyRemovedWhileOthersRemain_WritesTheSmallerSession()
    {
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                context.Session.SetString("b", "2");
                await s_app(context);
            },
            Flask);
        var cookie = (await host.SendAsync("/write")).CookieToSend(CookieSessionDefaults.FlaskCookieName);

        var removed = await host.SendAsync("/remove", cookie);

        var written = removed.SessionCookie(CookieSessionDefaults.FlaskCookieName);
        Assert.NotNull(written);
        Assert.NotEqual(DateTimeOffset.UnixEpoch, written.Expires);
        Assert.Equal("(none)", (await host.SendAsync("/read", removed.CookieToSend(CookieSessionDefaults.FlaskCookieName))).Body);
    }
}
