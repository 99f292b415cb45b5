using System.Globalization;
using System.Runtime;
using System.Security.Cryptography;
using System.Text;
using CookieSession;
using CookieSession.Bench;
using CookieSession.LoadServer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Primitives;

// The .NET server of bench/load/run.sh: bare endpoints, and read-only and read-modify-write endpoints with
// CookieSession and with ASP.NET Core's AddSession(), each on its own branch so that no endpoint pays for
// another's middleware. The session is the benchmarks' one: about 200 bytes of JSON.
// "--format Protected" (or any CookieSessionFormat name) serves the same /cs endpoints in that format (Protected's
// Data Protection as AddDataProtection sets it up, its keys in a temporary folder of the run's own).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var format = builder.Configuration.GetValue("format", CookieSessionFormat.Connect);
builder.Services.AddCookieSession(o =>
{
    o.Format = format;
    if (format == CookieSessionFormat.Protected)
    {
        // Longer than a whole run: past half the idle timeout every read of the one seeded cookie renews it, and a
        // run of every format takes about 25 minutes.
        o.IdleTimeout = TimeSpan.FromHours(2);
        o.AbsoluteTimeout = TimeSpan.FromHours(8);
    }
    else
    {
        o.Secret = "a benchmark secret that is 32+ bytes long";
    }

    if (format == CookieSessionFormat.Rails)
    {
        // Rails has no default cookie name: the Rails app's session_store key.
        o.Cookie.Name = "_load_session";
    }
});
if (format == CookieSessionFormat.Protected)
{
    var keys = Directory.CreateTempSubdirectory("cookiesession-load-keys-");
    builder.Services.AddDataProtection().SetApplicationName("load").PersistKeysToFileSystem(keys);
}

builder.Services.AddDistributedMemoryCache();
builder.Services.AddSession();
var app = builder.Build();

// Listening from the start, so that no pause of tiered compilation is missed.
using var tiering = new Tiering();

app.Map("/bare", bare => bare.Run(context => context.Response.WriteAsync("ok")));

// The baseline of the comparison: the same two levels of branching as /cs/ro and the same answer, without the
// session, so that what the ratios show is the middleware and not Map's own work on the path.
// The limit a write can reach, /plain/headers: the headers /cs/rmw sends (its Set-Cookie, Cache-Control, Pragma and
// Vary, taken from one write at start-up) and an answer of the same length, as constants, through the same branching.
var writeHeaders = new WriteHeaders();
app.Map("/plain", plain =>
{
    plain.Map("/ro", ro => ro.Run(context => context.Response.WriteAsync("Ada Lovelace")));
    plain.Map("/headers", headers => headers.Run(context =>
    {
        writeHeaders.SendOn(context.Response);
        return context.Response.WriteAsync(writeHeaders.Body);
    }));

    // Controls (LoadControls): the same, plus a known amount of garbage (?kb=N, about N KB a request) or of arithmetic
    // (?steps=N); each with 0 is the reference of the same endpoint with more. /control/* times each in a loop.
    plain.Map("/headers-garbage", headers => headers.Run(context =>
    {
        writeHeaders.SendOn(context.Response);
        LoadControls.Garbage(LoadControls.Requested(context.Request, "kb", LoadControls.MaxKilobytes));
        return context.Response.WriteAsync(writeHeaders.Body);
    }));
    plain.Map("/headers-spin", headers => headers.Run(context =>
    {
        writeHeaders.SendOn(context.Response);
        LoadControls.Spin(LoadControls.Requested(context.Request, "steps", LoadControls.MaxSteps));
        return context.Response.WriteAsync(writeHeaders.Body);
    }));

    // The same, plus one HMAC-SHA256 of a session's JSON with a key kept per thread (the micro-benchmarks' floor): how
    // close any signed write can come to /plain/headers, whatever the library around the MAC does.
    plain.Map("/headers-hmac", headers => headers.Run(context =>
    {
        writeHeaders.SendOn(context.Response);
        writeHeaders.Mac();
        return context.Response.WriteAsync(writeHeaders.Body);
    }));
});

app.Map("/cs", cs =>
{
    cs.UseCookieSession();

    // "?user=N" seeds the N-th of many distinct sessions (bench/load/sessions.js writes the same ones for the
    // Node formats); without it, the one session every request of the single-cookie targets carries.
    cs.Map("/seed", seed => seed.Run(context =>
    {
        var user = int.TryParse(context.Request.Query["user"], CultureInfo.InvariantCulture, out var n) ? n : -1;
        var session = context.GetCookieSession();
        session.Set("userId", user < 0 ? "7f1c2a9e-4b3d-4c8e-9a61-0d5e2f7b8c34" : $"7f1c2a9e-4b3d-4c8e-9a61-{user:x12}");
        session.Set("name", "Ada Lovelace");
        session.Set("roles", new[] { "admin", "editor", "viewer" });
        session.Set("counter", user < 0 ? 41 : user % 1000);
        session.Set("csrf", user < 0 ? "kW3p9sQ2vX7yZ1aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT" : $"kW3p9sQ2vX7yZ1aB4cD6eF8gH0iJ2kL4mN6o{user:x8}");
        return context.Response.WriteAsync("seeded");
    }));
    cs.Map("/ro", ro => ro.Run(context => context.Response.WriteAsync(context.GetCookieSession().Get<string>("name") ?? "missing")));
    cs.Map("/rmw", rmw => rmw.Run(ReadModifyWrite));
});

// Browsers that keep what they are sent (bench/load/browsers.lua): each request names its browser in X-Browser and the
// answer names it back, so that the script can give that browser the cookie the answer sets. /browser/rmw is /cs/rmw;
// /browser/headers, its reference, is /plain/headers; both pay for the name sent back.
app.Map("/browser", browser =>
{
    browser.Use((context, next) =>
    {
        context.Response.Headers["X-Browser"] = context.Request.Headers["X-Browser"];
        return next(context);
    });
    browser.Map("/headers", headers => headers.Run(context =>
    {
        writeHeaders.SendOn(context.Response);
        return context.Response.WriteAsync(writeHeaders.Body);
    }));
    browser.Map("/rmw", rmw =>
    {
        rmw.UseCookieSession();
        rmw.Run(ReadModifyWrite);
    });
});

app.Map("/aspnet", aspnet =>
{
    aspnet.UseSession();
    aspnet.Map("/seed", seed => seed.Run(context =>
    {
        var session = context.Session;
        session.SetString("userId", "7f1c2a9e-4b3d-4c8e-9a61-0d5e2f7b8c34");
        session.SetString("name", "Ada Lovelace");
        session.SetString("roles", "[\"admin\",\"editor\",\"viewer\"]");
        session.SetInt32("counter", 41);
        session.SetString("csrf", "kW3p9sQ2vX7yZ1aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT");
        return context.Response.WriteAsync("seeded");
    }));
    aspnet.Map("/ro", ro => ro.Run(context => context.Response.WriteAsync(context.Session.GetString("name") ?? "missing")));
    aspnet.Map("/rmw", rmw => rmw.Run(context =>
    {
        var counter = (context.Session.GetInt32("counter") ?? 0) + 1;
        context.Session.SetInt32("counter", counter);
        return context.Response.WriteAsync(counter.ToString(CultureInfo.InvariantCulture));
    }));
});

app.Map("/control", control =>
{
    static string InLoop(Action work) => string.Create(CultureInfo.InvariantCulture, $"{LoadControls.NanosecondsInLoop(work):F0} ns a call in a loop");

    control.Map("/garbage", garbage => garbage.Run(context =>
    {
        var kilobytes = LoadControls.Requested(context.Request, "kb", LoadControls.MaxLoopKilobytes);
        return context.Response.WriteAsync(InLoop(() => LoadControls.Garbage(kilobytes)));
    }));
    control.Map("/spin", spin => spin.Run(context =>
    {
        var steps = LoadControls.Requested(context.Request, "steps", LoadControls.MaxLoopSteps);
        return context.Response.WriteAsync(InLoop(() => LoadControls.Spin(steps)));
    }));
});

// What the run reports beside the rates: the GC the server runs with, and its allocation and collections so far
// (read before and after each target: bytes and collections per request under load).
app.Map("/gc", gc =>
{
    gc.Map("/settings", settings => settings.Run(context =>
    {
        var variables = GC.GetConfigurationVariables();
        string Variable(string name) => variables.TryGetValue(name, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "" : "";
        return context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture,
            $"{(GCSettings.IsServerGC ? "Server" : "Workstation")} GC, {(Variable("ConcurrentGC") == "True" ? "concurrent" : "not concurrent")}, " +
            $"{Variable("HeapCount")} heap(s) at start, DATAS {(Variable("GCDynamicAdaptationMode") == "1" ? "on" : "off")}, " +
            $"latency mode {GCSettings.LatencyMode}, {Environment.ProcessorCount} processor(s) seen"));
    }));

    // Allocation sampling while wrk drives a target (bench/load/allocations.sh): allocation ticks by type, from start
    // to stop. The listener exists only in between, so that no other run pays for the events.
    AllocationTicks? ticks = null;
    gc.Map("/ticks/start", start => start.Run(context =>
    {
        ticks?.Dispose();
        ticks = new AllocationTicks();
        ticks.Start();
        return context.Response.WriteAsync("started");
    }));
    gc.Map("/ticks/stop", stop => stop.Run(context =>
    {
        var counted = ticks?.Stop() ?? [];
        ticks?.Dispose();
        ticks = null;
        return context.Response.WriteAsync(string.Join('\n', counted.OrderByDescending(t => t.Value)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Value}\t{t.Key}"))));
    }));
    // Tiered compilation's state (Tiering.Describe): bench/load/run.sh measures a target once it has settled.
    gc.Map("/jit", jit => jit.Run(context => context.Response.WriteAsync(tiering.Describe())));
    gc.Map("/counts", counts => counts.Run(context => context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture,
        $"{GC.GetTotalAllocatedBytes()} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {GC.GetTotalPauseDuration().TotalMilliseconds:F0}"))));
});

await app.StartAsync();
await writeHeaders.TakeFromOneWriteAsync(app.Urls.First());
await app.WaitForShutdownAsync();

// The write every rmw endpoint makes: the counter read, one added, and written back.
static Task ReadModifyWrite(HttpContext context)
{
    var session = context.GetCookieSession();
    var counter = session.Get<int>("counter") + 1;
    session.Set("counter", counter);
    return context.Response.WriteAsync(counter.ToString(CultureInfo.InvariantCulture));
}

/// <summary>The headers and answer of one /cs/rmw response, which /plain/headers sends as constants.</summary>
internal sealed class WriteHeaders
{
    public StringValues SetCookie { get; private set; }

    public StringValues CacheControl { get; private set; }

    public StringValues Pragma { get; private set; }

    public StringValues Vary { get; private set; }

    public string Body { get; private set; } = "";

    [ThreadStatic]
    private static IncrementalHash? t_hmac;

    private static readonly byte[] SessionJson = Encoding.UTF8.GetBytes(
        "j:{\"userId\":\"7f1c2a9e-4b3d-4c8e-9a61-0d5e2f7b8c34\",\"name\":\"Ada Lovelace\",\"roles\":[\"admin\",\"editor\",\"viewer\"],\"counter\":42,\"csrf\":\"kW3p9sQ2vX7yZ1aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT\"}");

    /// <summary>Sets the write's headers, as constants, on <paramref name="response"/>.</summary>
    public void SendOn(HttpResponse response)
    {
        var headers = response.Headers;
        headers.SetCookie = SetCookie;
        headers.CacheControl = CacheControl;
        headers.Pragma = Pragma;
        headers.Vary = Vary;
    }

    /// <summary>One HMAC-SHA256 of the session's JSON, as the library signs it, with the thread's keyed instance.</summary>
    public void Mac()
    {
        var hmac = t_hmac ??= IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, "a benchmark secret that is 32+ bytes long"u8);
        Span<byte> mac = stackalloc byte[32];
        hmac.AppendData(SessionJson);
        hmac.GetHashAndReset(mac);
    }

    public async Task TakeFromOneWriteAsync(string url)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(url) };
        using var seed = await client.GetAsync(new Uri("/cs/seed", UriKind.Relative));
        var cookie = string.Join("; ", seed.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/cs/rmw", UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        using var write = await client.SendAsync(request);
        SetCookie = new StringValues(write.Headers.GetValues("Set-Cookie").ToArray());
        CacheControl = string.Join(", ", write.Headers.GetValues("Cache-Control"));
        Pragma = string.Join(", ", write.Headers.GetValues("Pragma"));
        Vary = string.Join(", ", write.Headers.GetValues("Vary"));
        Body = await write.Content.ReadAsStringAsync();
    }
}
