using CookieSession.Options;
using CookieSession.Signing;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CookieSession.Tests.Options;

/// <summary>
/// Secrets and iron-session passwords follow the configuration file as it is rewritten under a running Kestrel server:
/// a new first secret signs, the old ones verify while listed, a removed one verifies nothing (cached values included),
/// and an invalid file keeps the secrets in force.
/// </summary>
public sealed class SecretsReloadTests
{
    private const string OldSecret = "the old secret, thirty-two bytes or more";
    private const string NewSecret = "the new secret, thirty-two bytes or more";
    private const string OldPassword = "the old iron-session password, 32 characters or more";
    private const string NewPassword = "the new iron-session password, 32 characters or more";
    private const string Connect = CookieSessionDefaults.CookieName;
    private const string Iron = CookieSessionDefaults.IronSessionCookieName;
    private const string Express = CookieSessionDefaults.ExpressCookieName;

    /// <summary><c>/write?v=x</c> stores v; <c>/read</c> answers v, or "(none)" for an empty session.</summary>
    private static readonly RequestDelegate s_app = async context =>
    {
        var session = context.Session;
        if (context.Request.Query["v"] is [{ } value])
        {
            session.SetString("v", value);
        }

        await context.Response.WriteAsync(session.GetString("v") ?? "(none)");
    };

    private static string Secrets(params string[] secrets)
        => $$"""{ "CookieSession": { "Secrets": [ {{string.Join(", ", secrets.Select(s => $"\"{s}\""))}} ] } }""";

    private static string IronPasswords(params (int Id, string Password)[] passwords)
        => $$"""{ "CookieSession": { "Format": "IronSession", "IronSessionPasswords": { {{string.Join(", ", passwords.Select(p => $"\"{p.Id}\": \"{p.Password}\""))}} } } }""";

    /// <summary>Whether a Connect cookie value, as Set-Cookie carries it, is signed with <paramref name="secret"/>.</summary>
    private static bool SignedWith(Transaction transaction, string secret)
    {
        var cookie = transaction.SessionCookie(Connect);
        Assert.True(cookie is not null, $"No session cookie: {transaction.Status} {transaction.Body}");
        var value = Uri.UnescapeDataString(cookie.Value.Value!);
        var dot = value.LastIndexOf('.');
        return TestSigning.Mac(value[2..dot], secret) == value[(dot + 1)..];
    }

    /// <summary>The password id an iron-session seal names (its second part).</summary>
    private static string SealId(Transaction transaction) => transaction.SessionCookie(Iron)!.Value.Value!.Split('*')[1];

    [Fact]
    public async Task NewFirstSecret_SignsFromTheNextRequest_OldSecretVerifiesWhileListed()
    {
        await using var host = await ConfiguredKestrelHost.StartAsync(Secrets(OldSecret), s_app);
        var old = await host.SendAsync("/write?v=1");
        Assert.True(SignedWith(old, OldSecret));

        await host.RewriteAsync(Secrets(NewSecret, OldSecret));
        await ConfiguredKestrelHost.WaitUntilAsync(async () => SignedWith(await host.SendAsync("/write?v=2"), NewSecret), "the new first secret to sign");

        var read = await host.SendAsync("/read", old.CookieToSend(Connect));
        Assert.Equal("1", read.Body);
        Assert.True(SignedWith(read, NewSecret), "A session signed by a listed older secret is signed again with the first.");
        Assert.Contains(host.LogsOf("SecretsReloaded"), r => r.Message.Contains("2 in force", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.Contains(NewSecret, StringComparison.Ordinal) || r.Message.Contains(OldSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RemovedSecret_RefusedFromThenOn_CachedValueIncluded()
    {
        await using var host = await ConfiguredKestrelHost.StartAsync(Secrets(OldSecret), s_app);
        var old = (await host.SendAsync("/write?v=1")).CookieToSend(Connect);
        Assert.Equal("1", (await host.SendAsync("/read", old)).Body); // Now in the cache of verified values, written and read.

        await host.RewriteAsync(Secrets(NewSecret));
        await ConfiguredKestrelHost.WaitUntilAsync(async () => (await host.SendAsync("/read", old)).Body == "(none)", "the removed secret's session to be refused");

        Assert.Equal("(none)", (await host.SendAsync("/read", old)).Body);
        Assert.Contains(host.LogsOf("CookieRejected"), r => r.Message.Contains("BadSignature", StringComparison.Ordinal));
        var fresh = await host.SendAsync("/write?v=2");
        Assert.True(SignedWith(fresh, NewSecret));
        Assert.Equal("2", (await host.SendAsync("/read", fresh.CookieToSend(Connect))).Body);
    }

    [Fact]
    public async Task Express_RemovedSecret_RefusedFromThenOn_CachedValueIncluded()
    {
        // The signature is its transport's (the value and name.sig), so the cache must follow the transport's secrets.
        static string Config(string secret) => $$"""{ "CookieSession": { "Format": "ExpressCookieSession", "Secrets": [ "{{secret}}" ] } }""";
        static string Both(Transaction t) => $"{t.CookieToSend(Express)}; {t.CookieToSend(Express + ".sig")}";
        await using var host = await ConfiguredKestrelHost.StartAsync(Config(OldSecret), s_app);
        var old = Both(await host.SendAsync("/write?v=1"));
        Assert.Equal("1", (await host.SendAsync("/read", old)).Body); // Now in the cache of verified values, written and read.

        await host.RewriteAsync(Config(NewSecret));
        await ConfiguredKestrelHost.WaitUntilAsync(async () => (await host.SendAsync("/read", old)).Body == "(none)", "the removed secret's session to be refused");

        Assert.Equal("(none)", (await host.SendAsync("/read", old)).Body);
        Assert.Contains(host.LogsOf("CookieRejected"), r => r.Message.Contains("BadSignature", StringComparison.Ordinal));
        var fresh = Both(await host.SendAsync("/write?v=2"));
        Assert.Equal("2", (await host.SendAsync("/read", fresh)).Body);
    }

    [Theory]
    [InlineData("""{ "CookieSession": { "Secrets": [ "" ] } }""", "Secrets[0] must not be empty")]
    [InlineData("""{ "CookieSession": { } }""", "Secret is required")]
    [InlineData("""{ "CookieSession": { "Secrets": "not a list" } }""", "is a list")]
    public async Task InvalidReload_KeepsTheSecretsInForce_AndLogsAnError(string invalid, string failure)
    {
        await using var host = await ConfiguredKestrelHost.StartAsync(Secrets(OldSecret), s_app);
        var old = (await host.SendAsync("/write?v=1")).CookieToSend(Connect);

        await host.RewriteAsync(invalid);
        await ConfiguredKestrelHost.WaitUntilAsync(() => Task.FromResult(host.LogsOf("SecretsReloadRefused").Count > 0), "the invalid reload to be refused");

        var refused = Assert.Single(host.LogsOf("SecretsReloadRefused"));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, refused.Level);
        Assert.Contains(failure, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(OldSecret, refused.Message, StringComparison.Ordinal);
        Assert.Equal("1", (await host.SendAsync("/read", old)).Body);
        Assert.True(SignedWith(await host.SendAsync("/write?v=2"), OldSecret));

        // The next valid file still reloads.
        await host.RewriteAsync(Secrets(NewSecret));
        await ConfiguredKestrelHost.WaitUntilAsync(async () => SignedWith(await host.SendAsync("/write?v=3"), NewSecret), "the valid reload after the invalid one");
    }

    [Fact]
    public async Task IronPasswords_NewHighestIdSeals_OldOpensWhileListed_RemovedIsRefused()
    {
        await using var host = await ConfiguredKestrelHost.StartAsync(IronPasswords((1, OldPassword)), s_app);
        var first = await host.SendAsync("/write?v=1");
        Assert.Equal("1", SealId(first));
        var old = first.CookieToSend(Iron);
        Assert.Equal("1", (await host.SendAsync("/read", old)).Body);

        await host.RewriteAsync(IronPasswords((1, OldPassword), (2, NewPassword)));
        await ConfiguredKestrelHost.WaitUntilAsync(async () => SealId(await host.SendAsync("/write?v=2")) == "2", "password 2 to seal");
        var read = await host.SendAsync("/read", old);
        Assert.Equal("1", read.Body);
        Assert.Equal("2", SealId(read));
        Assert.Contains(host.LogsOf("IronPasswordsReloaded"), r => r.Message.Contains("ids 1, 2", StringComparison.Ordinal));

        await host.RewriteAsync(IronPasswords((2, NewPassword)));
        await ConfiguredKestrelHost.WaitUntilAsync(async () => (await host.SendAsync("/read", old)).Body == "(none)", "the removed password's seal to be refused");
        Assert.Equal("(none)", (await host.SendAsync("/read", old)).Body);
        Assert.Contains(host.LogsOf("CookieRejected"), r => r.Message.Contains("UnknownPassword", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.Contains(NewPassword, StringComparison.Ordinal) || r.Message.Contains(OldPassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task IronPasswords_SameIdNewPassword_OldSealsRefused()
    {
        await using var host = await ConfiguredKestrelHost.StartAsync(IronPasswords((1, OldPassword)), s_app);
        var old = (await host.SendAsync("/write?v=1")).CookieToSend(Iron);
        Assert.Equal("1", (await host.SendAsync("/read", old)).Body);

        await host.RewriteAsync(IronPasswords((1, NewPassword)));
        await ConfiguredKestrelHost.WaitUntilAsync(async () => (await host.SendAsync("/read", old)).Body == "(none)", "the seal under the replaced password to be refused");

        var fresh = (await host.SendAsync("/write?v=2")).CookieToSend(Iron);
        Assert.Equal("2", (await host.SendAsync("/read", fresh)).Body);
    }

    [Fact]
    public async Task IronPasswords_InvalidReload_KeepsThePasswordsInForce_AndLogsAnError()
    {
        await using var host = await ConfiguredKestrelHost.StartAsync(IronPasswords((1, OldPassword)), s_app);
        var old = (await host.SendAsync("/write?v=1")).CookieToSend(Iron);

        await host.RewriteAsync(IronPasswords((1, OldPassword), (2, "too short")));
        await ConfiguredKestrelHost.WaitUntilAsync(() => Task.FromResult(host.LogsOf("SecretsReloadRefused").Count > 0), "the invalid reload to be refused");

        var refused = Assert.Single(host.LogsOf("SecretsReloadRefused"));
        Assert.Contains("password id 2 must be at least 32 characters", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("too short", refused.Message, StringComparison.Ordinal);
        Assert.Equal("1", (await host.SendAsync("/read", old)).Body);
        Assert.Equal("1", SealId(await host.SendAsync("/write?v=2")));
    }

    [Fact]
    public async Task TwoReloadsAtOnce_TheNewerConfigurationStaysInForce()
    {
        // The configuration as the options are built from it; the first reload is held while reading it.
        var configured = OldSecret;
        using var firstReading = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holdNext = 0;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCookieSession(o => o.Secret = Volatile.Read(ref configured));
        services.Configure<CookieSessionOptions>(_ =>
        {
            if (Interlocked.Exchange(ref holdNext, 0) == 1)
            {
                firstReading.Set();
                release.Wait(TestContext.Current.CancellationToken);
            }
        });
        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<CookieSessionOptions>>().Value;
        var reload = new SecretsReload(Microsoft.Extensions.Options.Options.DefaultName, options, provider, NullLogger.Instance);
        var signer = reload.Follow(HmacSigner.ForCookieSignature(reload.Secrets));

        // The first reload reads the configuration of its change, then the configuration changes again and reloads.
        Volatile.Write(ref configured, NewSecret);
        Volatile.Write(ref holdNext, 1);
        var first = Task.Run(reload.Reload, TestContext.Current.CancellationToken);
        Assert.True(firstReading.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        const string Newest = "the newest secret, thirty-two bytes or more";
        Volatile.Write(ref configured, Newest);
        var second = Task.Run(reload.Reload, TestContext.Current.CancellationToken);
        await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken));
        release.Set();
        await Task.WhenAll(first, second);

        Assert.Equal([Newest], reload.Secrets);
        var data = "value"u8.ToArray();
        var signature = new byte[signer.SignatureLength];
        var expected = new byte[signer.SignatureLength];
        signer.Sign(data, signature);
        HmacSigner.ForCookieSignature([Newest]).Sign(data, expected);
        Assert.Equal(expected, signature);
    }

    [Fact]
    public async Task FormatChangedByReload_KeepsTheSecretsInForce_AndSaysItNeedsARestart()
    {
        await using var host = await ConfiguredKestrelHost.StartAsync(Secrets(OldSecret), s_app);
        var old = (await host.SendAsync("/write?v=1")).CookieToSend(Connect);

        await host.RewriteAsync("""{ "CookieSession": { "Format": "Protected" } }""");
        await ConfiguredKestrelHost.WaitUntilAsync(() => Task.FromResult(host.LogsOf("SecretsReloadRefused").Count > 0), "the reload to be refused");

        Assert.Contains("needs a restart", Assert.Single(host.LogsOf("SecretsReloadRefused")).Message, StringComparison.Ordinal);
        Assert.Equal("1", (await host.SendAsync("/read", old)).Body);
    }
}
