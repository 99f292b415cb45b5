using System.Text.Json.Nodes;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.Tests.Codec;

/// <summary>Session cookies and tokens made and read outside a request, under the application's options, in every format.</summary>
public sealed class CookieSessionCodecTests
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    public static TheoryData<CookieSessionFormat> Formats => [.. Enum.GetValues<CookieSessionFormat>()];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task CreateCookieHeader_IsReadByTheAppAsItsSession(CookieSessionFormat format)
    {
        await using var app = await StartAsync(format);
        var codec = app.Services.GetRequiredService<ICookieSessionCodec>();
        var header = codec.CreateCookieHeader(new JsonObject { ["user"] = "ana", ["cart"] = new JsonArray("apple") });

        var body = await SendAsync(app, "/", header);

        Assert.Equal("ana:[\"apple\"]", body.Body);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ReadSetCookieHeaders_ReadsWhatTheAppWrote(CookieSessionFormat format)
    {
        await using var app = await StartAsync(format);
        var codec = app.Services.GetRequiredService<ICookieSessionCodec>();

        var response = await SendAsync(app, "/sign-in", cookie: null);

        var session = codec.ReadSetCookieHeaders(response.SetCookie)!;
        Assert.Equal("bea", session["user"]!.GetValue<string>());
        Assert.Equal(Big(format), session["big"]!.GetValue<string>());
        Assert.Equal(Chunks(format), response.SetCookie.Length > 1);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ReadSetCookieHeaders_AfterTheAppDeletedTheSession_IsNull(CookieSessionFormat format)
    {
        await using var app = await StartAsync(format);
        var codec = app.Services.GetRequiredService<ICookieSessionCodec>();

        var response = await SendAsync(app, "/sign-out", codec.CreateCookieHeader(new JsonObject { ["user"] = "ana" }));

        Assert.NotEmpty(response.SetCookie);
        Assert.Null(codec.ReadSetCookieHeaders(response.SetCookie));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ReadCookieHeader_TamperedOrForeign_IsNull(CookieSessionFormat format)
    {
        await using var app = await StartAsync(format);
        var codec = app.Services.GetRequiredService<ICookieSessionCodec>();
        var header = codec.CreateCookieHeader(new JsonObject { ["user"] = "ana" });
        var tampered = header[..^3] + (header[^3] == 'A' ? 'B' : 'A') + header[^2..];

        Assert.Equal("ana", codec.ReadCookieHeader(header)!["user"]!.GetValue<string>());
        Assert.Null(codec.ReadCookieHeader(tampered));
        Assert.Null(codec.ReadCookieHeader("unrelated=1"));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Token_OpensForItsPurposeUntilItExpires(CookieSessionFormat format)
    {
        await using var app = await StartAsync(format);
        var codec = app.Services.GetRequiredService<ICookieSessionCodec>();
        var time = app.Services.GetRequiredService<FakeTimeProvider>();

        var token = codec.CreateToken(new JsonObject { ["email"] = "ana@example.test" }, "email-confirmation", TimeSpan.FromMinutes(15));

        Assert.DoesNotContain(token, c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
        Assert.Equal("ana@example.test", codec.ReadToken(token, "email-confirmation")!["email"]!.GetValue<string>());
        Assert.Null(codec.ReadToken(token, "password-reset"));
        Assert.Null(codec.ReadToken(token[..^2], "email-confirmation"));
        time.Advance(TimeSpan.FromMinutes(15));
        Assert.Null(codec.ReadToken(token, "email-confirmation"));
    }

    /// <summary>The formats that split a large session, or sign it in a second cookie.</summary>
    private static bool Chunks(CookieSessionFormat format) => format is not (CookieSessionFormat.Connect or CookieSessionFormat.Rails or CookieSessionFormat.Flask or CookieSessionFormat.Django);

    /// <summary>A value that makes a session of several cookies where the format splits one.</summary>
    private static string Big(CookieSessionFormat format)
        => new('b', format is CookieSessionFormat.Protected or CookieSessionFormat.IronSession ? 5000 : 10);

    private static async Task<WebApplication> StartAsync(CookieSessionFormat format, FakeTimeProvider? time = null, Action<CookieSessionOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        time ??= new FakeTimeProvider(s_now);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddCookieSession(o =>
        {
            o.Format = format;
            o.Secret = "a secret of thirty-two characters or more, for iron-session";
            if (format == CookieSessionFormat.Rails)
            {
                // Rails has no default cookie name: the app's session_store key is required.
                o.Cookie.Name = "_shop_session";
            }

            configure?.Invoke(o);
        });
        var app = builder.Build();
        app.UseCookieSession();
        app.MapGet("/", (ICookieSession session) => $"{session.GetString("user")}:{session["cart"]?.ToJsonString()}");
        app.MapGet("/sign-in", (ICookieSession session) =>
        {
            session.SetString("user", "bea");
            session.SetString("big", Big(format));
        });
        app.MapGet("/sign-out", (HttpContext context) => context.ClearCookieSession());
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    private static async Task<(string Body, string[] SetCookie)> SendAsync(WebApplication app, string path, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        var response = await app.GetTestClient().SendAsync(request, TestContext.Current.CancellationToken);
        var setCookie = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToArray() : [];
        return (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), setCookie);
    }

    [Fact]
    public async Task ReadSetCookieHeaders_JudgesExpiryByTheOptionsClock()
    {
        // The app's clock (a fake one in tests, as the codec's own docs suggest for integration tests) is in the past.
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var app = await StartAsync(CookieSessionFormat.Connect, time, o => o.Cookie.MaxAge = TimeSpan.FromHours(1));
        var codec = app.Services.GetRequiredService<ICookieSessionCodec>();

        var setCookie = (await SendAsync(app, "/sign-in", cookie: null)).SetCookie;

        Assert.NotEmpty(setCookie);
        Assert.Equal("bea", codec.ReadSetCookieHeaders(setCookie)?["user"]?.GetValue<string>());
    }

    [Theory]
    [InlineData(CookieSessionFormat.Protected)]
    [InlineData(CookieSessionFormat.IronSession)]
    public async Task Token_WithALifetimeLongerThanTheSessions_OpensUntilItsOwnExpiry(CookieSessionFormat format)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        await using var app = await StartAsync(format, time);
        var codec = app.Services.GetRequiredService<ICookieSessionCodec>();

        var token = codec.CreateToken(new JsonObject { ["invite"] = "team-1" }, "invitation", TimeSpan.FromDays(30));
        time.Advance(TimeSpan.FromDays(20));

        Assert.Equal("team-1", codec.ReadToken(token, "invitation")?["invite"]?.GetValue<string>());
    }
}
