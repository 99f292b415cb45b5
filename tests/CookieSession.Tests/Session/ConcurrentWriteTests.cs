using CookieSession.Tests.Formats.Protected;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Session;

/// <summary>
/// Two requests of one browser change its session at the same time, on a real Kestrel server: each response carries a
/// whole session, the one the browser stores last wins, and a cookie whose pieces come from both is never a session.
/// </summary>
public sealed class ConcurrentWriteTests
{
    private const string Password = "an iron-session password, thirty-two characters or more";
    private const string Secret = "a cookie-session secret, thirty-two bytes or more";

    public static TheoryData<CookieSessionFormat> Formats => [CookieSessionFormat.Protected, CookieSessionFormat.IronSession, CookieSessionFormat.ExpressCookieSession];

    /// <summary>
    /// <c>?start</c> stores the starting session; <c>?set=a</c> waits for the other request to arrive too, then stores
    /// <c>a</c> and a blob of its own; every request answers the session's keys (the blob as its letter and length).
    /// </summary>
    private static RequestDelegate App(int blobLength, Rendezvous rendezvous) => async context =>
    {
        var session = context.Session;
        var query = context.Request.Query;
        if (query.ContainsKey("start"))
        {
            session.SetString("start", "yes");
            session.SetString("blob", new string('s', blobLength));
        }

        if (query["set"] is [{ } key])
        {
            await rendezvous.ArriveAsync();
            session.SetString(key, "yes");
            session.SetString("blob", new string(key[0], blobLength));
        }

        await context.Response.WriteAsync(string.Join(",", session.Keys.Order(StringComparer.Ordinal).Select(k =>
            k == "blob" ? $"blob={session.GetString(k)![0]}{session.GetString(k)!.Length}" : $"{k}={session.GetString(k)}")));
    };

    private static Task<ConfiguredKestrelHost> StartAsync(CookieSessionFormat format, Rendezvous rendezvous)
    {
        var keys = ProtectedHost.NewKeyFolder();
        var (json, blob) = format switch
        {
            // Past one cookie: Protected and iron-session split it in chunks.
            CookieSessionFormat.Protected => ("""{ "Format": "Protected" }""", 4000),
            CookieSessionFormat.IronSession => ($$"""{ "Format": "IronSession", "Secret": "{{Password}}" }""", 4000),
            _ => ($$"""{ "Format": "ExpressCookieSession", "Secret": "{{Secret}}" }""", 100),
        };
        return ConfiguredKestrelHost.StartAsync(
            $$"""{ "CookieSession": {{json}} }""",
            App(blob, rendezvous),
            s => s.AddDataProtection().SetApplicationName("concurrent").PersistKeysToFileSystem(new DirectoryInfo(keys)));
    }

    /// <summary>The starting session's cookies, then what two concurrent changes of it sent back, each as a browser keeps it.</summary>
    private static async Task<(CookieJar Start, CookieJar A, CookieJar B, Transaction ResponseA, Transaction ResponseB)> ChangeConcurrentlyAsync(ConfiguredKestrelHost host)
    {
        var start = new CookieJar();
        start.Keep(await host.SendAsync("/?start"));
        var a = host.SendAsync("/?set=a", start.Header);
        var b = host.SendAsync("/?set=b", start.Header);
        var responses = await Task.WhenAll(a, b);
        return (start, Apply(start, responses[0]), Apply(start, responses[1]), responses[0], responses[1]);
    }

    private static CookieJar Apply(CookieJar jar, params Transaction[] responses)
    {
        var copy = new CookieJar();
        foreach (var (name, value) in jar.Cookies)
        {
            copy.Set(name, value);
        }

        foreach (var response in responses)
        {
            copy.Keep(response);
        }

        return copy;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task TwoConcurrentChanges_EachResponseIsAWholeSession_TheLastStoredWins(CookieSessionFormat format)
    {
        await using var host = await StartAsync(format, new Rendezvous());
        var (start, a, b, responseA, responseB) = await ChangeConcurrentlyAsync(host);
        if (format != CookieSessionFormat.ExpressCookieSession)
        {
            Assert.True(start.Cookies.Count > 1, "The session is meant to be chunked.");
        }

        Assert.Equal("a=yes,blob=a4000,start=yes".Replace("4000", Blob(format), StringComparison.Ordinal), responseA.Body);
        Assert.Equal("b=yes,blob=b4000,start=yes".Replace("4000", Blob(format), StringComparison.Ordinal), responseB.Body);
        Assert.Equal(responseA.Body, (await host.SendAsync("/", a.Header)).Body);
        Assert.Equal(responseB.Body, (await host.SendAsync("/", b.Header)).Body);

        // A browser stores the responses as they arrive: the later one replaces the session whole, the other change is lost.
        Assert.Equal(responseB.Body, (await host.SendAsync("/", Apply(start, responseA, responseB).Header)).Body);
        Assert.Equal(responseA.Body, (await host.SendAsync("/", Apply(start, responseB, responseA).Header)).Body);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task CookieMixedFromTwoWrites_IsRefused_AsAnEmptySession(CookieSessionFormat format)
    {
        await using var host = await StartAsync(format, new Rendezvous());
        var (_, a, b, _, _) = await ChangeConcurrentlyAsync(host);
        var names = a.Cookies.Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(names, b.Cookies.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.True(names.Length > 1, "Meant to be carried by more than one cookie.");

        // Every way of taking some cookies from one write and the rest from the other (Protected's first cookie,
        // "chunks-N", is the same in both: a mix that equals one write whole is no mix).
        var mixes = 0;
        for (var mask = 1; mask < (1 << names.Length) - 1; mask++)
        {
            var torn = new CookieJar();
            for (var i = 0; i < names.Length; i++)
            {
                torn.Set(names[i], ((mask >> i) & 1) == 1 ? b.Cookies[names[i]] : a.Cookies[names[i]]);
            }

            if (names.All(n => torn.Cookies[n] == a.Cookies[n]) || names.All(n => torn.Cookies[n] == b.Cookies[n]))
            {
                continue;
            }

            mixes++;

            var rejectedBefore = host.LogsOf("CookieRejected").Count;
            var read = await host.SendAsync("/", torn.Header);

            Assert.Equal(System.Net.HttpStatusCode.OK, read.Status);
            Assert.Equal("", read.Body);
            var rejected = host.LogsOf("CookieRejected");
            Assert.Equal(rejectedBefore + 1, rejected.Count);
            Assert.Contains(format == CookieSessionFormat.Protected ? "(Undecryptable)" : "(BadSignature)", rejected[^1].Message, StringComparison.Ordinal);
        }

        Assert.True(mixes >= 2, "Meant to try both ways of mixing.");
    }

    private static string Blob(CookieSessionFormat format) => format == CookieSessionFormat.ExpressCookieSession ? "100" : "4000";

    /// <summary>Lets two requests go on only once both are inside the application, so that both changed the same starting session.</summary>
    private sealed class Rendezvous
    {
        private readonly TaskCompletionSource _both = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task ArriveAsync()
        {
            if (Interlocked.Increment(ref _arrived) == 2)
            {
                _both.TrySetResult();
            }

            return _both.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }
}
