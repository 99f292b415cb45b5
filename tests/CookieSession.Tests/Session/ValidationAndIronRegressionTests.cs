using CookieSession.Formats.Iron;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Session;

/// <summary>Regressions found in review: the validation hook and iron-session passwords.</summary>
public sealed class ValidationAndIronRegressionTests
{
    private const string Password = "the iron-session password, 32 characters or more";
    private const string IronName = "myapp_session";

    private static readonly RequestDelegate s_counterOrStatic = async context =>
    {
        if (context.Request.Path == "/static")
        {
            await context.Response.WriteAsync("static");
            return;
        }

        var session = context.GetCookieSession();
        var n = session.Get<int>("n") + 1;
        session.Set("n", n);
        await context.Response.WriteAsync(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
    };

    /// <summary>
    /// A change made in OnValidateSession (Set, Remove, Cookie.MaxAge) is not a "use" (SessionFlags.Validating
    /// suppresses MarkUsed in Use(), and Change() goes through Use()): on a request the application does not touch the
    /// change is dropped without a word. Only reads should be exempt.
    /// </summary>
    [Fact]
    public async Task ValidationHook_Change_IsSilentlyDropped()
    {
        await using var host = await SessionTestHost.StartAsync(s_counterOrStatic, o => o.OnValidateSession = context =>
        {
            context.Session.Set("roles", "refreshed");
            context.Session.Remove("admin");
            return Task.CompletedTask;
        });
        var jar = new CookieJar();
        await jar.SendAsync(host);

        var hook = await jar.SendAsync(host, "/static");

        Assert.NotNull(hook.SessionCookie());
    }

    /// <summary>
    /// IronPasswords.TryGet refuses ids of more than 9 digits, but the validator accepts any non-negative int and the
    /// highest id seals: with id 1000000000 every cookie this server writes is refused by this server (UnknownPassword).
    /// iron-session accepts such ids (Number.isInteger), so Node's seals are refused too.
    /// </summary>
    [Fact]
    public async Task IronPasswordIdOfTenDigits_SealsWhatItCannotOpen()
    {
        await using var host = await SessionTestHost.StartAsync(
            s_counterOrStatic,
            o =>
            {
                o.Format = CookieSessionFormat.IronSession;
                o.IronSessionPasswords = new Dictionary<int, string> { [1_000_000_000] = Password };
                o.Cookie.Name = IronName;

                // The cache hides it within one process (it remembers what it wrote); another server, a restart or an
                // evicted entry does not.
                o.VerifiedCookieCacheSize = 0;
            },
            services: null,
            withDefaultSecret: false);
        var jar = new CookieJar();

        await jar.SendAsync(host);
        var second = await jar.SendAsync(host);

        Assert.Equal("2", second.Body);
    }

    /// <summary>
    /// Regression: an IronSessionTtl under one second wrote Max-Age 0, which deletes the cookie at once. iron-session's
    /// ttl is whole seconds: anything else fails at start-up.
    /// </summary>
    [Fact]
    public async Task IronTtlNotWholeSeconds_FailsAtStartup()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => SessionTestHost.StartAsync(
            s_counterOrStatic,
            o =>
            {
                o.Format = CookieSessionFormat.IronSession;
                o.Secret = Password;
                o.Cookie.Name = IronName;
                o.IronSessionTtl = TimeSpan.FromMilliseconds(500);
            },
            services: null,
            withDefaultSecret: false));

        Assert.Contains("IronSessionTtl", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A password id with a leading zero ("01") is looked up as 1 here; iron-webcrypto looks up password["01"] and
    /// refuses ("Cannot find password: 01"). Only a password holder can make such a seal, so interop only.
    /// </summary>
    [Fact]
    public void IronPasswordIdWithLeadingZero_IsAcceptedUnlikeIronWebcrypto()
    {
        var passwords = new IronPasswords(new Dictionary<int, string> { [1] = Password });
        var seal = IronSeal.Seal("{\"a\":1}"u8, System.Text.Encoding.UTF8.GetBytes(Password), "01", null);

        var rejection = IronSeal.TryUnseal(seal, passwords, DateTimeOffset.UtcNow, out _, out _, out _);

        Assert.Equal(CookieSession.Formats.SessionCookieRejection.UnknownPassword, rejection);
    }
}
