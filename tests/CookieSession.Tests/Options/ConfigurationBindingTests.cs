using System.Security.Cryptography;
using System.Text;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CookieSession.Tests.Options;

public sealed class ConfigurationBindingTests
{
    private const string Section = "CookieSession";

    private static readonly RequestDelegate s_ok = context => context.Response.WriteAsync("ok");

    /// <summary>Every option but those of IronSession, as an appsettings.json holds them.</summary>
    private const string AppSettingsJson = """
        {
          "Logging": { "LogLevel": { "Default": "Information" } },
          "CookieSession": {
            "Secret": "the secret that signs, thirty-two bytes or more",
            "Secrets": [
              "the newer rotated secret, thirty-two bytes or more",
              "the older rotated secret, thirty-two bytes or more"
            ],
            "Format": "protected",
            "KeygripAlgorithm": "sha256",
            "IdleTimeout": "00:20:00",
            "AbsoluteTimeout": "1.00:00:00",
            "MaxChunkedSize": 8192,
            "VerifiedCookieCacheSize": 0,
            "Partitioned": true,
            "TrustProxy": true,
            "Rolling": true,
            "SaveUninitialized": true,
            "Cookie": {
              "Name": "app.session",
              "Path": "/app",
              "Domain": "example.com",
              "HttpOnly": false,
              "SecurePolicy": "Always",
              "SameSite": "Strict",
              "MaxAge": "08:00:00",
              "IsEssential": true
            }
          }
        }
        """;

    /// <summary>The same options, as environment variables name them under <c>AddEnvironmentVariables(prefix)</c>.</summary>
    private static readonly Dictionary<string, string> s_environment = new()
    {
        ["CookieSession__Secret"] = "the secret that signs, thirty-two bytes or more",
        ["CookieSession__Secrets__0"] = "the newer rotated secret, thirty-two bytes or more",
        ["CookieSession__Secrets__1"] = "the older rotated secret, thirty-two bytes or more",
        ["CookieSession__Format"] = "protected",
        ["CookieSession__KeygripAlgorithm"] = "sha256",
        ["CookieSession__IdleTimeout"] = "00:20:00",
        ["CookieSession__AbsoluteTimeout"] = "1.00:00:00",
        ["CookieSession__MaxChunkedSize"] = "8192",
        ["CookieSession__VerifiedCookieCacheSize"] = "0",
        ["CookieSession__Partitioned"] = "true",
        ["CookieSession__TrustProxy"] = "true",
        ["CookieSession__Rolling"] = "true",
        ["CookieSession__SaveUninitialized"] = "true",
        ["CookieSession__Cookie__Name"] = "app.session",
        ["CookieSession__Cookie__Path"] = "/app",
        ["CookieSession__Cookie__Domain"] = "example.com",
        ["CookieSession__Cookie__HttpOnly"] = "false",
        ["CookieSession__Cookie__SecurePolicy"] = "Always",
        ["CookieSession__Cookie__SameSite"] = "Strict",
        ["CookieSession__Cookie__MaxAge"] = "08:00:00",
        ["CookieSession__Cookie__IsEssential"] = "true",
    };

    private const string IronSessionJson = """
        {
          "CookieSession": {
            "Format": "IronSession",
            "IronSessionPasswords": {
              "2": "the newer iron-session password, 32 characters or more",
              "1": "the older iron-session password, 32 characters or more"
            },
            "IronSessionTtl": "7.00:00:00"
          }
        }
        """;

    private static readonly Dictionary<string, string> s_ironSessionEnvironment = new()
    {
        ["CookieSession__Format"] = "IronSession",
        ["CookieSession__IronSessionPasswords__2"] = "the newer iron-session password, 32 characters or more",
        ["CookieSession__IronSessionPasswords__1"] = "the older iron-session password, 32 characters or more",
        ["CookieSession__IronSessionTtl"] = "7.00:00:00",
    };

    [Theory]
    [InlineData("appsettings.json")]
    [InlineData("environment")]
    public void AddCookieSession_Configuration_BindsEveryOption(string source)
    {
        var options = Bind(From(source, AppSettingsJson, s_environment));

        Assert.Equal("the secret that signs, thirty-two bytes or more", options.Secret);
        Assert.Equal(["the newer rotated secret, thirty-two bytes or more", "the older rotated secret, thirty-two bytes or more"], options.Secrets);
        Assert.Equal(CookieSessionFormat.Protected, options.Format);
        Assert.Equal(HashAlgorithmName.SHA256, options.KeygripAlgorithm);
        Assert.Equal(TimeSpan.FromMinutes(20), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromDays(1), options.AbsoluteTimeout);
        Assert.Equal(8192, options.MaxChunkedSize);
        Assert.Equal(0, options.VerifiedCookieCacheSize);
        Assert.True(options.Partitioned);
        Assert.True(options.TrustProxy);
        Assert.True(options.Rolling);
        Assert.True(options.SaveUninitialized);
        Assert.Equal("app.session", options.Cookie.Name);
        Assert.Equal("/app", options.Cookie.Path);
        Assert.Equal("example.com", options.Cookie.Domain);
        Assert.False(options.Cookie.HttpOnly);
        Assert.Equal(CookieSecurePolicy.Always, options.Cookie.SecurePolicy);
        Assert.Equal(SameSiteMode.Strict, options.Cookie.SameSite);
        Assert.Equal(TimeSpan.FromHours(8), options.Cookie.MaxAge);
        Assert.True(options.Cookie.IsEssential);
    }

    [Theory]
    [InlineData("appsettings.json")]
    [InlineData("environment")]
    public void AddCookieSession_IronSessionConfiguration_BindsPasswordsByIdAndTtl(string source)
    {
        var options = Bind(From(source, IronSessionJson, s_ironSessionEnvironment));

        Assert.Equal(CookieSessionFormat.IronSession, options.Format);
        Assert.Equal(2, options.IronSessionPasswords.Count);
        Assert.Equal("the newer iron-session password, 32 characters or more", options.IronSessionPasswords[2]);
        Assert.Equal("the older iron-session password, 32 characters or more", options.IronSessionPasswords[1]);
        Assert.Equal(TimeSpan.FromDays(7), options.IronSessionTtl);
    }

    [Theory]
    [InlineData("appsettings.json")]
    [InlineData("environment")]
    public void AddCookieSession_FlaskConfiguration_BindsSecretKeyFallbacksAndLifetime(string source)
    {
        const string json = """
            {
              "CookieSession": {
                "Format": "Flask",
                "Secrets": [ "the Flask app's SECRET_KEY", "its SECRET_KEY_FALLBACKS entry" ],
                "Flask": { "PermanentSessionLifetime": "1.00:00:00" }
              }
            }
            """;
        var environment = new Dictionary<string, string>
        {
            ["CookieSession__Format"] = "Flask",
            ["CookieSession__Secrets__0"] = "the Flask app's SECRET_KEY",
            ["CookieSession__Secrets__1"] = "its SECRET_KEY_FALLBACKS entry",
            ["CookieSession__Flask__PermanentSessionLifetime"] = "1.00:00:00",
        };

        var options = Bind(From(source, json, environment));

        Assert.Equal(CookieSessionFormat.Flask, options.Format);
        Assert.Equal(["the Flask app's SECRET_KEY", "its SECRET_KEY_FALLBACKS entry"], options.Secrets);
        Assert.Equal(TimeSpan.FromDays(1), options.Flask.PermanentSessionLifetime);
    }

    [Fact]
    public void AddCookieSession_SecretsNumberedPastNine_KeepsNumericOrder()
    {
        var values = Enumerable.Range(0, 12).ToDictionary(i => $"CookieSession:Secrets:{i}", i => (string?)$"secret number {i}, thirty-two bytes or more");

        var options = Bind(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"secret number {i}, thirty-two bytes or more"), options.Secrets);
    }

    [Theory]
    [InlineData("Infinite")]
    [InlineData("infinite")]
    [InlineData("-00:00:00.001")]
    public void AddCookieSession_IdleTimeoutInfinite_OptsOutOfProtectedDefault(string value)
    {
        var options = Bind(FromPairs(("Format", "Protected"), ("IdleTimeout", value)));

        Assert.Equal(Timeout.InfiniteTimeSpan, options.IdleTimeout);
    }

    [Fact]
    public void AddCookieSession_EmptyNullableValue_LeavesItUnset()
    {
        // An environment variable set empty overrides the appsettings.json value, as for any nullable the .NET binder reads.
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(AppSettingsJson)))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["CookieSession:Cookie:MaxAge"] = "" })
            .Build();

        var options = Bind(configuration);

        Assert.Null(options.Cookie.MaxAge);
    }

    [Fact]
    public void AddCookieSession_AbsentKeys_KeepDefaults()
    {
        var options = Bind(FromPairs(("Secret", "the secret that signs, thirty-two bytes or more")));

        Assert.Equal(CookieSessionFormat.Connect, options.Format);
        Assert.Equal(CookieSessionDefaults.CookieName, options.Cookie.Name);
        Assert.Equal(HashAlgorithmName.SHA1, options.KeygripAlgorithm);
        Assert.Equal(CookieSessionDefaults.MaxChunkedSize, options.MaxChunkedSize);
        Assert.True(options.Cookie.HttpOnly);
        Assert.Null(options.Cookie.MaxAge);
        Assert.Empty(options.Secrets);
    }

    [Fact]
    public void AddCookieSession_UnknownKeys_AreIgnored()
    {
        var options = Bind(FromPairs(("Secret", "the secret that signs, thirty-two bytes or more"), ("Colour", "blue"), ("Cookie:Flavour", "oat")));

        Assert.Equal("the secret that signs, thirty-two bytes or more", options.Secret);
    }

    [Fact]
    public void AddCookieSession_Configure_RunsAfterBinding()
    {
        string? boundName = null;
        var services = new ServiceCollection().AddCookieSession(
            FromJson(AppSettingsJson).GetSection(Section),
            o =>
            {
                boundName = o.Cookie.Name;
                o.Cookie.Name = "from.code";
            });

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<CookieSessionOptions>>().Value;

        Assert.Equal("app.session", boundName);
        Assert.Equal("from.code", options.Cookie.Name);
        Assert.Equal(CookieSessionFormat.Protected, options.Format);
    }

    [Fact]
    public void AddCookieSession_ConfigurationReloaded_MonitorSeesNewValues()
    {
        var configuration = FromPairs(("Secret", "the secret that signs, thirty-two bytes or more"), ("Cookie:Name", "before"));
        var monitor = new ServiceCollection().AddCookieSession(configuration.GetSection(Section))
            .BuildServiceProvider().GetRequiredService<IOptionsMonitor<CookieSessionOptions>>();
        Assert.Equal("before", monitor.CurrentValue.Cookie.Name);

        configuration["CookieSession:Cookie:Name"] = "after";
        configuration.Reload();

        Assert.Equal("after", monitor.CurrentValue.Cookie.Name);
    }

    [Fact]
    public async Task AddCookieSession_ConfiguredCookie_DrivesSetCookie()
    {
        var configuration = FromPairs(
            ("Secret", "the secret that signs, thirty-two bytes or more"),
            ("Cookie:Name", "app.sid"),
            ("Cookie:MaxAge", "01:00:00"),
            ("Cookie:SameSite", "strict"));
        await using var host = await SessionTestHost.StartAsync(
            Handlers.Store("a", 1), configure: null, services: s => s.AddCookieSession(configuration.GetSection(Section)), withDefaultSecret: false);

        var transaction = await host.SendAsync();

        var cookie = transaction.SessionCookie("app.sid");
        Assert.NotNull(cookie);
        Assert.Equal(TimeSpan.FromHours(1), cookie.MaxAge);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Strict, cookie.SameSite);
    }

    public static TheoryData<string, string, string> WrongValues() => new()
    {
        { "Format", "Connet", "CookieSession:Format 'Connet' is not one of Connect, ExpressCookieSession, Protected, IronSession, " },
        { "Format", "2", "CookieSession:Format '2' is not one of Connect, ExpressCookieSession, Protected, IronSession, " },
        { "Flask:PermanentSessionLifetime", "31 days", "CookieSession:Flask:PermanentSessionLifetime '31 days' is not a time span: use [d.]hh:mm[:ss]" },
        { "KeygripAlgorithm", "MD5", "CookieSession:KeygripAlgorithm 'MD5' is not one of SHA1, SHA256, SHA384, SHA512." },
        { "IronSessionTtl", "14 days", "CookieSession:IronSessionTtl '14 days' is not a time span: use [d.]hh:mm[:ss], for example 14.00:00:00 for 14 days or 00:30:00 for 30 minutes." },
        { "IdleTimeout", "forever", "CookieSession:IdleTimeout 'forever' is not a time span: use [d.]hh:mm[:ss], for example 14.00:00:00 for 14 days or 00:30:00 for 30 minutes, or Infinite for no limit." },
        { "AbsoluteTimeout", "1d", "CookieSession:AbsoluteTimeout '1d' is not a time span: use [d.]hh:mm[:ss]" },
        { "Cookie:MaxAge", "1 hour", "CookieSession:Cookie:MaxAge '1 hour' is not a time span: use [d.]hh:mm[:ss]" },
        { "MaxChunkedSize", "8k", "CookieSession:MaxChunkedSize '8k' is not a whole number: use digits only, for example 7680." },
        { "VerifiedCookieCacheSize", "1e3", "CookieSession:VerifiedCookieCacheSize '1e3' is not a whole number: use digits only, for example 1024." },
        { "Partitioned", "yes", "CookieSession:Partitioned 'yes' is not a boolean: use true or false." },
        { "TrustProxy", "1", "CookieSession:TrustProxy '1' is not a boolean: use true or false." },
        { "Rolling", "on", "CookieSession:Rolling 'on' is not a boolean: use true or false." },
        { "SaveUninitialized", "y", "CookieSession:SaveUninitialized 'y' is not a boolean: use true or false." },
        { "Cookie:HttpOnly", "no", "CookieSession:Cookie:HttpOnly 'no' is not a boolean: use true or false." },
        { "Cookie:IsEssential", "maybe", "CookieSession:Cookie:IsEssential 'maybe' is not a boolean: use true or false." },
        { "Cookie:SecurePolicy", "Secure", "CookieSession:Cookie:SecurePolicy 'Secure' is not one of SameAsRequest, Always, None." },
        { "Cookie:SameSite", "Laxx", "CookieSession:Cookie:SameSite 'Laxx' is not one of None, Lax, Strict, Unspecified." },
        { "Cookie:Name", "", "CookieSession:Cookie:Name must not be empty: set a cookie name, or remove the key for the format's default." },
        { "Secrets", "one secret", "CookieSession:Secrets is a list: set CookieSession:Secrets:0, CookieSession:Secrets:1... (the first signs), or CookieSession:Secret for one secret." },
        { "Secrets:newest", "one secret", "CookieSession:Secrets:newest: the entries of CookieSession:Secrets are numbered from 0 (CookieSession:Secrets:0 signs)." },
        { "IronSessionPasswords", "one password", "CookieSession:IronSessionPasswords is numbered passwords: set CookieSession:IronSessionPasswords:1, CookieSession:IronSessionPasswords:2... (the highest id seals), or CookieSession:Secret for one password." },
        { "IronSessionPasswords:newest", "one password", "CookieSession:IronSessionPasswords:newest: the key of each of CookieSession:IronSessionPasswords is iron-session's password id, a whole number such as 1 or 2." },
    };

    [Theory]
    [MemberData(nameof(WrongValues))]
    public async Task Start_WrongValue_FailsNamingTheKeyAndWhatItAccepts(string key, string value, string expected)
    {
        var configuration = FromPairs(("Secret", "the secret that signs, thirty-two bytes or more"), (key, value));

        var error = await StartFailingAsync(configuration);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SeveralWrongValues_ReportsEveryKeyAtOnce()
    {
        var configuration = FromPairs(("Format", "Connet"), ("Rolling", "yes"), ("Cookie:MaxAge", "1 hour"));

        var error = await StartFailingAsync(configuration);

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.StartsWith("CookieSession:Format", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("CookieSession:Rolling", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("CookieSession:Cookie:MaxAge", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_FormatFromAFutureVersion_ListsTheFormatsOfThisOne()
    {
        // The valid values come from the enum, so a format added later is listed without touching the binder.
        var configuration = FromPairs(("Secret", "the secret that signs, thirty-two bytes or more"), ("Format", "Future"));

        var error = await StartFailingAsync(configuration);

        Assert.Contains(string.Join(", ", Enum.GetNames<CookieSessionFormat>()), error.Message, StringComparison.Ordinal);
    }

    private static CookieSessionOptions Bind(IConfiguration configuration)
        => new ServiceCollection()
            .AddCookieSession(configuration.GetSection(Section))
            .BuildServiceProvider()
            .GetRequiredService<IOptions<CookieSessionOptions>>()
            .Value;

    private static IConfigurationRoot FromJson(string json)
        => new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private static IConfigurationRoot FromPairs(params (string Key, string Value)[] pairs)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(Section + ":" + p.Key, p.Value)))
            .Build();

    private static Task<OptionsValidationException> StartFailingAsync(IConfiguration configuration)
        => Assert.ThrowsAsync<OptionsValidationException>(() => SessionTestHost.StartAsync(
            s_ok, configure: null, services: s => s.AddCookieSession(configuration.GetSection(Section)), withDefaultSecret: false));

    /// <summary>
    /// The JSON, or the variables as real environment variables under a prefix no other test uses: the provider reads
    /// them when built, so they are removed at once.
    /// </summary>
    private static IConfigurationRoot From(string source, string json, Dictionary<string, string> environment)
    {
        if (source != "environment")
        {
            return FromJson(json);
        }

        var prefix = "CookieSessionTest" + Guid.NewGuid().ToString("N") + "_";
        try
        {
            foreach (var (name, value) in environment)
            {
                Environment.SetEnvironmentVariable(prefix + name, value);
            }

            return new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
        }
        finally
        {
            foreach (var name in environment.Keys)
            {
                Environment.SetEnvironmentVariable(prefix + name, null);
            }
        }
    }
}
