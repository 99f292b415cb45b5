using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CookieSession.Tests.Options;

public sealed class OptionsValidationTests
{
    private static readonly RequestDelegate s_ok = context => context.Response.WriteAsync("ok");

    public static TheoryData<string, Action<CookieSessionOptions>, string> InvalidOptions() => new()
    {
        { "no secret", _ => { }, "CookieSessionOptions.Secret is required" },
        { "empty secret", o => o.Secret = "", "CookieSessionOptions.Secret must not be empty" },
        { "empty Secrets", o => o.Secrets = new List<string>(), "CookieSessionOptions.Secret is required" },
        { "empty entry in Secrets", o => o.Secrets = new List<string> { "a long enough secret for signing", "" }, "CookieSessionOptions.Secrets[1] must not be empty" },
        { "cookie name with a space", o => { o.Secret = "x"; o.Cookie.Name = "bad name"; }, "CookieSessionOptions.Cookie.Name 'bad name' is not a valid cookie name" },
        { "cookie name with a semicolon", o => { o.Secret = "x"; o.Cookie.Name = "a;b"; }, "CookieSessionOptions.Cookie.Name 'a;b'" },
        { "cookie path not rooted", o => { o.Secret = "x"; o.Cookie.Path = "admin"; }, "CookieSessionOptions.Cookie.Path must start with '/'" },
        { "cookie path with a semicolon", o => { o.Secret = "x"; o.Cookie.Path = "/a;domain=evil.com"; }, "CookieSessionOptions.Cookie.Path must start with '/'" },
        { "cookie path with a line break", o => { o.Secret = "x"; o.Cookie.Path = "/a\r\nSet-Cookie: x=y"; }, "CookieSessionOptions.Cookie.Path must start with '/'" },
        { "cookie domain with a semicolon", o => { o.Secret = "x"; o.Cookie.Domain = "example.com; secure"; }, "CookieSessionOptions.Cookie.Domain must be a host name" },
        { "cookie domain not ASCII", o => { o.Secret = "x"; o.Cookie.Domain = "exämple.com"; }, "CookieSessionOptions.Cookie.Domain must be a host name" },
        { "cookie extension with a semicolon", o => { o.Secret = "x"; o.Cookie.Extensions.Add("priority=high; domain=evil.com"); }, "CookieSessionOptions.Cookie.Extensions" },
        { "max-age too long to date", o => { o.Secret = "x"; o.Cookie.MaxAge = TimeSpan.MaxValue; }, "CookieSessionOptions.Cookie.MaxAge must be more than zero and at most 400 days" },
        { "max-age over 400 days", o => { o.Secret = "x"; o.Cookie.MaxAge = TimeSpan.FromDays(401); }, "CookieSessionOptions.Cookie.MaxAge must be more than zero" },
        { "negative max-age", o => { o.Secret = "x"; o.Cookie.MaxAge = TimeSpan.FromSeconds(-1); }, "CookieSessionOptions.Cookie.MaxAge must be more than zero" },
        { "zero max-age", o => { o.Secret = "x"; o.Cookie.MaxAge = TimeSpan.Zero; }, "CookieSessionOptions.Cookie.MaxAge must be more than zero" },
        { "__Host- without Secure", o => { o.Secret = "x"; o.Cookie.Name = "__Host-sess"; }, "CookieSessionOptions.Cookie.Name '__Host-sess' starts with __Host-: browsers accept it only Secure. Set Cookie.SecurePolicy = Always" },
        { "__host- without Secure", o => { o.Secret = "x"; o.Cookie.Name = "__host-sess"; }, "Set Cookie.SecurePolicy = Always" },
        { "__HOST- with a path", o => { o.Secret = "x"; o.Cookie.Name = "__HOST-sess"; o.Cookie.SecurePolicy = CookieSecurePolicy.Always; o.Cookie.Path = "/admin"; }, "starts with __Host-: browsers accept it only with Path=/. Set Cookie.Path = \"/\"" },
        { "__Host- without a path", o => { o.Secret = "x"; o.Cookie.Name = "__Host-sess"; o.Cookie.SecurePolicy = CookieSecurePolicy.Always; o.Cookie.Path = null; }, "Set Cookie.Path = \"/\"" },
        { "__Host- with a domain", o => { o.Secret = "x"; o.Cookie.Name = "__Host-sess"; o.Cookie.SecurePolicy = CookieSecurePolicy.Always; o.Cookie.Domain = "example.com"; }, "starts with __Host-: browsers accept it only without a Domain. Leave Cookie.Domain unset" },
        { "__Secure- without Secure", o => { o.Secret = "x"; o.Cookie.Name = "__Secure-sess"; }, "CookieSessionOptions.Cookie.Name '__Secure-sess' starts with __Secure-: browsers accept it only Secure. Set Cookie.SecurePolicy = Always" },
        { "__SECURE- without Secure", o => { o.Secret = "x"; o.Cookie.Name = "__SECURE-sess"; }, "Set Cookie.SecurePolicy = Always" },
        { "Flask without SECRET_KEY", o => o.Format = CookieSessionFormat.Flask, "CookieSessionOptions.Secret is required" },
        { "Flask with IdleTimeout", o => { o.Format = CookieSessionFormat.Flask; o.Secret = "x"; o.IdleTimeout = TimeSpan.FromHours(1); }, "set CookieSessionOptions.Flask.PermanentSessionLifetime instead of IdleTimeout or AbsoluteTimeout" },
        { "Flask with AbsoluteTimeout", o => { o.Format = CookieSessionFormat.Flask; o.Secret = "x"; o.AbsoluteTimeout = TimeSpan.FromHours(1); }, "set CookieSessionOptions.Flask.PermanentSessionLifetime instead of IdleTimeout or AbsoluteTimeout" },
        { "Flask lifetime zero", o => { o.Format = CookieSessionFormat.Flask; o.Secret = "x"; o.Flask.PermanentSessionLifetime = TimeSpan.Zero; }, "CookieSessionOptions.Flask.PermanentSessionLifetime must be at least one second" },
        { "Flask lifetime with another format", o => { o.Secret = "x"; o.Flask.PermanentSessionLifetime = TimeSpan.FromDays(1); }, "CookieSessionOptions.Flask.PermanentSessionLifetime is for Format Flask, not Connect." },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public async Task Start_InvalidOptions_FailsNamingTheOption(string description, Action<CookieSessionOptions> configure, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => SessionTestHost.StartAsync(s_ok, configure, services: null, withDefaultSecret: false));
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{description}: {error.Message}");
    }

    [Theory]
    [InlineData("__Host-sess", null)]
    [InlineData("__host-sess", null)]
    [InlineData("__Secure-sess", "example.com")]
    [InlineData("__secure-sess", null)]
    public async Task Start_PrefixedCookieNameWithWhatBrowsersRequire_Starts(string name, string? domain)
    {
        await using var host = await SessionTestHost.StartAsync(Handlers.Store("a", 1), o =>
        {
            o.Cookie.Name = name;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.Domain = domain;
        });

        var transaction = await host.SendAsync("https://localhost/");

        Assert.Equal(name, Assert.Single(transaction.SetCookies).Name.Value);
    }

    [Fact]
    public async Task Start_EmptyCookieName_FailsAtStartup()
    {
        // CookieBuilder itself refuses an empty name, as it does for ASP.NET's own cookies.
        var error = await Assert.ThrowsAsync<ArgumentException>(() => SessionTestHost.StartAsync(s_ok, o => o.Cookie.Name = ""));
        Assert.Equal("value", error.ParamName);
    }

    [Fact]
    public async Task Start_ShortSecret_WarnsWithoutTheSecret()
    {
        await using var host = await SessionTestHost.StartAsync(s_ok, o => o.Secrets = new List<string> { "short", new string('k', 32) }, services: null, withDefaultSecret: false);
        await host.SendAsync();

        var warning = Assert.Single(host.LogsOf("ShortSecret"));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("#0 is only 5 bytes", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cookie_SettingExpiration_ThrowsPointingToMaxAge()
    {
        var options = new CookieSessionOptions();
        var error = Assert.Throws<InvalidOperationException>(() => options.Cookie.Expiration = TimeSpan.FromHours(1));
        Assert.Contains("MaxAge", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new CookieSessionOptions();
        Assert.Equal("connect.sess", options.Cookie.Name);
        Assert.Equal("/", options.Cookie.Path);
        Assert.True(options.Cookie.HttpOnly);
        Assert.Null(options.Cookie.MaxAge);
        Assert.Equal(SameSiteMode.Lax, options.Cookie.SameSite);
        Assert.Equal(CookieSecurePolicy.SameAsRequest, options.Cookie.SecurePolicy);
        Assert.False(options.TrustProxy);
        Assert.False(options.Rolling);
        Assert.False(options.SaveUninitialized);
        Assert.Null(options.Secret);
        Assert.Empty(options.Secrets);
        Assert.Equal(TimeSpan.FromDays(31), options.Flask.PermanentSessionLifetime);
    }

    [Fact]
    public async Task Start_SignedCookiesWithoutSecret_Fails()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SessionTestHost.StartAsync(
            s_ok, configure: null, services: s => s.AddSignedCookies(_ => { }), withDefaultSecret: true));
        Assert.Contains("SignedCookieOptions.Secret is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCookieSession_CalledTwice_IsHarmless()
    {
        await using var host = await SessionTestHost.StartAsync(
            Handlers.Store("a", 1),
            configure: null,
            services: s => s.AddCookieSession());

        var transaction = await host.SendAsync();

        Assert.Single(transaction.SetCookies);
    }

    [Fact]
    public async Task UseCookieSession_WithoutAddCookieSession_FailsAtStartSayingWhatToCall()
    {
        using var host = new HostBuilder()
            .ConfigureWebHost(web => web
                .UseTestServer()
                .Configure(app =>
                {
                    app.UseCookieSession();
                    app.Run(s_ok);
                }))
            .Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("builder.Services.AddCookieSession(", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AspNetSessionRegisteredBeside_WarnsNamingBothAndWhatToRemove()
    {
        await using var host = await SessionTestHost.StartAsync(
            s_ok,
            configure: null,
            services: s => s.AddDistributedMemoryCache().AddSession(),
            beforeSession: app => app.UseSession());

        var warning = Assert.Single(host.LogsOf("AspNetSessionAlsoRegistered"));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("AddSession()", warning.Message, StringComparison.Ordinal);
        Assert.Contains("UseSession()", warning.Message, StringComparison.Ordinal);
        Assert.Contains("AddCookieSession", warning.Message, StringComparison.Ordinal);
        Assert.Contains("remove", warning.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Start_WithoutAspNetSession_DoesNotWarnAboutIt()
    {
        await using var host = await SessionTestHost.StartAsync(s_ok);

        Assert.Empty(host.LogsOf("AspNetSessionAlsoRegistered"));
    }
}
