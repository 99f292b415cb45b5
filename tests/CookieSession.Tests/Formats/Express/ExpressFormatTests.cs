using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Formats.Express;

/// <summary>
/// Express's cookie-session@2 format. The vector was written by cookie-session 2.1.1 with keys ['some secret']
/// for { count: 1, name: 'zoë "q" 😀', '7': [1e21, null] }.
/// </summary>
public sealed class ExpressFormatTests
{
    private const string Value = "eyI3IjpbMWUrMjEsbnVsbF0sImNvdW50IjoxLCJuYW1lIjoiem/DqyBcInFcIiDwn5iAIn0=";
    private const string Signature = "lWAL6wejBRQUtKpZX1rVclGW-fA";
    private const string Written = "session=" + Value + "; session.sig=" + Signature;

    private static readonly RequestDelegate s_report = async context =>
    {
        var session = context.GetCookieSession();
        await context.Response.WriteAsync($"new={session.IsNew} count={session.Get<int>("count")} name={session.Get<string>("name")}");
    };

    [Fact]
    public async Task Read_CookieSessionWrote_LoadsAndDoesNotResendUnchanged()
    {
        await using var host = await StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            _ = session["7"]; // a live node: forces re-serialization to compare
            await s_report(context);
        });

        var transaction = await host.SendAsync(cookie: Written);

        Assert.Equal("new=False count=1 name=zoë \"q\" 😀", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task Write_SameSession_IsByteIdenticalToCookieSession()
    {
        await using var host = await StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            session.Set("count", 1);
            session.Set("name", "zoë \"q\" 😀");
            session["7"] = new JsonArray(1e21, null);
            await context.Response.WriteAsync("ok");
        });

        var transaction = await host.SendAsync();

        Assert.Equal(
            ["session=" + Value, "session.sig=" + Signature],
            transaction.SetCookieHeaders.Select(h => h.Split(';')[0]).ToArray());
        Assert.All(transaction.SetCookies, c => Assert.Equal("/", c.Path.Value));
        Assert.All(transaction.SetCookies, c => Assert.True(c.HttpOnly));
    }

    [Fact]
    public async Task Write_BothCookies_ShareTheirAttributes()
    {
        await using var host = await StartAsync(
            Handlers.Store("n", 1),
            o =>
            {
                o.Cookie.MaxAge = TimeSpan.FromMinutes(5);
                o.Cookie.Domain = "example.com";
                o.Cookie.Path = "/app";
            });

        var cookies = (await host.SendAsync("/app")).SetCookies;

        Assert.Equal(2, cookies.Count);
        Assert.All(cookies, c =>
        {
            Assert.Equal("/app", c.Path.Value);
            Assert.Equal("example.com", c.Domain.Value);
            Assert.Equal(TimeSpan.FromMinutes(5), c.MaxAge);
            Assert.Equal(host.Time.GetUtcNow() + TimeSpan.FromMinutes(5), c.Expires);
        });
    }

    [Fact]
    public async Task Clear_DeletesBothCookies()
    {
        await using var host = await StartAsync(async context =>
        {
            context.ClearCookieSession();
            await context.Response.WriteAsync("bye");
        });

        var cookies = (await host.SendAsync(cookie: Written)).SetCookies;

        Assert.Equal(["session", "session.sig"], cookies.Select(c => c.Name.Value!).ToArray());
        Assert.All(cookies, c =>
        {
            Assert.Equal(string.Empty, c.Value.Value);
            Assert.Equal(DateTimeOffset.UnixEpoch, c.Expires);
            Assert.Equal("/", c.Path.Value);
        });
    }

    [Fact]
    public async Task NewSession_Unpopulated_WritesNothing()
    {
        await using var host = await StartAsync(s_report);
        var transaction = await host.SendAsync();
        Assert.Equal("new=True count=0 name=", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    public static TheoryData<string, string, string> RejectedCookies() => new()
    {
        { "no signature cookie", "session=" + Value, "Unsigned" },
        { "signature of another value", "session=" + Value + "; session.sig=" + Sign("session=e30="), "BadSignature" },
        { "signature under another key", "session=" + Value + "; session.sig=" + Sign("session=" + Value, "other key"), "BadSignature" },
        { "truncated signature", "session=" + Value + "; session.sig=" + Signature[..^1], "BadSignature" },
        { "signed, not base64", "session=!!!!; session.sig=" + Sign("session=!!!!"), "MalformedEncoding" },
        { "signed, not UTF-8", "session=/w==; session.sig=" + Sign("session=/w=="), "MalformedEncoding" },
        { "signed, non-ASCII value", "session=é; session.sig=" + Signature, "MalformedEncoding" },
        { "signed, not JSON", "session=aGVsbG8=; session.sig=" + Sign("session=aGVsbG8="), "NotJsonObject" },
        { "signed, JSON number", "session=NQ==; session.sig=" + Sign("session=NQ=="), "NotJsonObject" },
        { "64 KiB value", "session=" + new string('A', 64 * 1024) + "; session.sig=" + Signature, "TooLarge" },
    };

    [Theory]
    [MemberData(nameof(RejectedCookies))]
    public async Task Read_BadCookie_EmptySessionAndReasonLogged(string description, string cookie, string reason)
    {
        await using var host = await StartAsync(s_report);

        var transaction = await host.SendAsync(cookie: cookie);

        Assert.Equal(HttpStatusCode.OK, transaction.Status);
        Assert.Equal("new=True count=0 name=", transaction.Body);
        var record = Assert.Single(host.LogsOf("CookieRejected"));
        Assert.True(record.Message.Contains($"({reason})", StringComparison.Ordinal), $"{description}: {record.Message}");
    }

    [Theory]
    [InlineData("pad bits not zero", "eyJjb3VudCI6MX1=")]
    [InlineData("a space inside", "eyJjb3Vu dCI6MX0=")]
    public async Task Read_SignedBase64NodeReads_LoadsAsNodeDoes(string description, string value)
    {
        // Node's Buffer.from decodes both to {"count":1}; cookie-session never writes them, but a signed one loads.
        await using var host = await StartAsync(s_report);

        var transaction = await host.SendAsync(cookie: "session=" + value + "; session.sig=" + Sign("session=" + value));

        Assert.True(transaction.Body == "new=False count=1 name=", $"{description}: {transaction.Body}");
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1480)]
    [InlineData(1520)]
    [InlineData(2800)]
    public async Task Read_SignedValueEitherSideOfTheStackLimit_Loads(int nameLength)
    {
        // "session=value" and the signature are verified on the stack up to 2,048 bytes, in pooled scratch beyond.
        var name = new string('n', nameLength);
        var value = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"count\":3,\"name\":\"" + name + "\"}"));
        await using var host = await StartAsync(s_report);

        var transaction = await host.SendAsync(cookie: "session=" + value + "; session.sig=" + Sign("session=" + value));

        Assert.Equal($"new=False count=3 name={name}", transaction.Body);
        var tampered = await host.SendAsync(cookie: "session=" + value + "; session.sig=" + Sign("session=" + value + "x"));
        Assert.Equal("new=True count=0 name=", tampered.Body);
    }

    [Fact]
    public async Task Rotation_OldKey_LoadedAndResignedWithFirst()
    {
        await using var host = await StartAsync(s_report, o =>
        {
            o.Secret = null;
            o.Secrets = new List<string> { "new key", "some secret" };
        });

        var transaction = await host.SendAsync(cookie: Written);

        Assert.Equal("new=False count=1 name=zoë \"q\" 😀", transaction.Body);
        var signature = transaction.SessionCookie("session.sig")!.Value.Value;
        Assert.Equal(Sign("session=" + Value, "new key"), signature);
    }

    [Fact]
    public async Task KeygripAlgorithm_Sha256_SignsWithIt()
    {
        await using var host = await StartAsync(
            Handlers.Store("n", 1),
            o => o.KeygripAlgorithm = HashAlgorithmName.SHA256);

        var transaction = await host.SendAsync();

        var value = transaction.SessionCookie("session")!.Value.Value!;
        Assert.Equal("{\"n\":1}", Encoding.UTF8.GetString(Convert.FromBase64String(value)));
        Assert.Equal(
            Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SessionTestHost.Secret), Encoding.ASCII.GetBytes("session=" + value))),
            transaction.SessionCookie("session.sig")!.Value.Value);
    }

    [Fact]
    public async Task ExplicitCookieName_IsKept()
    {
        await using var host = await StartAsync(
            Handlers.Store("n", 1),
            o => o.Cookie.Name = "app");

        var names = (await host.SendAsync()).SetCookies.Select(c => c.Name.Value!).ToArray();

        Assert.Equal(["app", "app.sig"], names);
    }

    [Fact]
    public async Task Write_OverBrowserLimit_Throws()
    {
        await using var host = await StartAsync(context =>
        {
            context.GetCookieSession().Set("big", new string('x', 3100));
            return Task.CompletedTask;
        });

        var error = await Record.ExceptionAsync(() => host.SendAsync());

        Assert.IsType<CookieSessionTooLargeException>(error);
    }

    [Fact]
    public async Task Write_NoConsent_Withheld()
    {
        await using var host = await SessionTestHost.StartAsync(
            Handlers.Store("n", 1),
            o => o.Format = CookieSessionFormat.ExpressCookieSession,
            services: s => s.Configure<CookiePolicyOptions>(o => o.CheckConsentNeeded = _ => true),
            beforeSession: app => app.UseCookiePolicy());

        Assert.Empty((await host.SendAsync()).SetCookies);
    }

    [Fact]
    public async Task Options_UnsupportedAlgorithm_FailsAtStartup()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => StartAsync(s_report, o => o.KeygripAlgorithm = HashAlgorithmName.MD5));
        Assert.Contains("KeygripAlgorithm", error.Message, StringComparison.Ordinal);
    }

    private static Task<SessionTestHost> StartAsync(RequestDelegate handler, Action<CookieSessionOptions>? configure = null)
        => SessionTestHost.StartAsync(handler, o =>
        {
            o.Format = CookieSessionFormat.ExpressCookieSession;
            configure?.Invoke(o);
        });

    private static string Sign(string data, string key = SessionTestHost.Secret)
        => Base64Url(HMACSHA1.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(data)));

    private static string Base64Url(byte[] hash) => Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
