using System.Security.Cryptography;
using CookieSession.Formats;
using CookieSession.Formats.Django;
using CookieSession.Formats.Flask;
using CookieSession.Formats.Rails;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Options;

/// <summary>
/// Rails, Flask and Django keys follow the configuration file as it is rewritten under a running Kestrel server, as
/// the other formats' secrets do: a new first secret signs (or encrypts) from the next request, the old ones still
/// open while listed, a removed one opens nothing (cached values included), and an invalid file keeps the secrets in force.
/// </summary>
public sealed class PeerFormatSecretsReloadTests
{
    private const string OldSecret = "the old secret, thirty-two bytes or more";
    private const string NewSecret = "the new secret, thirty-two bytes or more";
    private const string RailsCookieName = "_app_session";

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

    public static TheoryData<string> Formats => ["Rails", "Flask", "Django"];

    private static string Config(string format, params string[] secrets)
        => $$"""{ "CookieSession": { "Format": "{{format}}", {{CookieName(format)}} "Secrets": [ {{string.Join(", ", secrets.Select(s => $"\"{s}\""))}} ] } }""";

    private static string CookieName(string format) => format == "Rails" ? $$""" "Cookie": { "Name": "{{RailsCookieName}}" }, """ : "";

    private static string NameOf(string format) => format switch
    {
        "Rails" => RailsCookieName,
        "Flask" => CookieSessionDefaults.FlaskCookieName,
        _ => CookieSessionDefaults.DjangoCookieName,
    };

    /// <summary>The format's codec under <paramref name="secret"/> alone, as a peer holding only that secret reads.</summary>
    private static ISessionCodec CodecOf(string format, string secret) => format switch
    {
        "Rails" => new RailsCodec(RailsKeyDerivation.Ring([secret], HashAlgorithmName.SHA256, []), RailsCookieName, null, false, TimeProvider.System),
        "Flask" => new FlaskCodec(FlaskKeys.Ring([secret]), CookieSessionDefaults.FlaskPermanentSessionLifetime, TimeProvider.System),
        _ => new DjangoCodec(DjangoKeys.Ring([secret]), CookieSessionDefaults.DjangoSessionCookieAge, expireAtBrowserClose: false, TimeProvider.System),
    };

    /// <summary>Whether the session cookie <paramref name="transaction"/> sets opens under <paramref name="secret"/> alone.</summary>
    private static bool SealedWith(string format, Transaction transaction, string secret)
    {
        var cookie = transaction.SessionCookie(NameOf(format));
        Assert.True(cookie is not null, $"No session cookie: {transaction.Status} {transaction.Body}");
        return CodecOf(format, secret).Decode(cookie.Value.Value).IsLoaded;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task NewFirstSecret_SignsFromTheNextRequest_OldSecretOpensWhileListed(string format)
    {
        await using var host = await ConfiguredKestrelHost.StartAsync(Config(format, OldSecret), s_app);
        var old = await host.SendAsync("/write?v=1");
        Assert.True(SealedWith(format, old, OldSecret));

        await host.RewriteAsync(Config(format, NewSecret, OldSecret));
        await ConfiguredKestrelHost.WaitUntilAsync(async () => SealedWith(format, await host.SendAsync("/write?v=2"), NewSecret), "the new first secret to sign");

        var read = await host.SendAsync("/read", old.CookieToSend(NameOf(format)));
        Assert.Equal("1", read.Body);
        Assert.True(SealedWith(format, read, NewSecret), "A session under a listed older secret is written again under the first.");
        Assert.False(SealedWith(format, read, OldSecret));
        Assert.Contains(host.LogsOf("SecretsReloaded"), r => r.Message.Contains("2 in force", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.Contains(NewSecret, StringComparison.Ordinal) || r.Message.Contains(OldSecret, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task RemovedSecret_RefusedFromThenOn_CachedValueIncluded(string format)
    {
        await using var host = await ConfiguredKestrelHost.StartAsync(Config(format, OldSecret), s_app);
        var old = (await host.SendAsync("/write?v=1")).CookieToSend(NameOf(format));
        Assert.Equal("1", (await host.SendAsync("/read", old)).Body); // Now in the cache of verified values, where the format caches.

        await host.RewriteAsync(Config(format, NewSecret));
        await ConfiguredKestrelHost.WaitUntilAsync(async () => (await host.SendAsync("/read", old)).Body == "(none)", "the removed secret's session to be refused");

        Assert.Equal("(none)", (await host.SendAsync("/read", old)).Body);
        var reason = format == "Rails" ? "Undecryptable" : "BadSignature";
        Assert.Contains(host.LogsOf("CookieRejected"), r => r.Message.Contains(reason, StringComparison.Ordinal));
        var fresh = await host.SendAsync("/write?v=2");
        Assert.True(SealedWith(format, fresh, NewSecret));
        Assert.Equal("2", (await host.SendAsync("/read", fresh.CookieToSend(NameOf(format)))).Body);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task InvalidReload_KeepsTheSecretsInForce_AndLogsAnError(string format)
    {
        await using var host = await ConfiguredKestrelHost.StartAsync(Config(format, OldSecret), s_app);
        var old = (await host.SendAsync("/write?v=1")).CookieToSend(NameOf(format));

        await host.RewriteAsync(Config(format, NewSecret, ""));
        await ConfiguredKestrelHost.WaitUntilAsync(() => Task.FromResult(host.LogsOf("SecretsReloadRefused").Count > 0), "the invalid reload to be refused");

        var refused = Assert.Single(host.LogsOf("SecretsReloadRefused"));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, refused.Level);
        Assert.Contains("Secrets[1] must not be empty", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(NewSecret, refused.Message, StringComparison.Ordinal);
        Assert.Equal("1", (await host.SendAsync("/read", old)).Body);
        Assert.True(SealedWith(format, await host.SendAsync("/write?v=2"), OldSecret));

        // The next valid file still reloads.
        await host.RewriteAsync(Config(format, NewSecret));
        await ConfiguredKestrelHost.WaitUntilAsync(async () => SealedWith(format, await host.SendAsync("/write?v=3"), NewSecret), "the valid reload after the invalid one");
    }
}
