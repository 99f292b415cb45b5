using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CookieSession.Formats.Flask;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.Tests.Interop;

/// <summary>
/// A .NET app on Kestrel with <see cref="CookieSessionFormat.Flask"/> and the real Flask app (tests/interop/flask) sharing
/// one user's session cookie through real HTTP, each request sent to one side or the other with the cookie the last
/// answer set.
/// </summary>
[Collection(FlaskCollection.Name)]
public sealed class FlaskSessionInteropTests(FlaskPeer flask)
{
    private const string Secret = "the Flask app's SECRET_KEY, shared with .NET";
    private const string OldSecret = "the SECRET_KEY before rotation";

    [Fact]
    public async Task Counter_IncrementedOnAlternateSides_CountsEveryStep()
    {
        using var python = new FlaskClient(await flask.StartAsync(Secret));
        await using var dotnet = await DotNetFlaskApp.StartAsync(o => o.Secret = Secret);

        string? cookie = null;
        for (var expected = 1; expected <= 6; expected++)
        {
            var answer = expected % 2 == 1 ? await python.SendAsync("increment", cookie) : await dotnet.SendAsync("increment", cookie);
            Assert.Equal(expected, (int)answer.Body!["counter"]!);
            cookie = answer.SetCookie ?? cookie;
        }
    }

    [Fact]
    public async Task RichJson_SetOnEitherSide_IsWhatTheOtherLoads()
    {
        using var python = new FlaskClient(await flask.StartAsync(Secret));
        await using var dotnet = await DotNetFlaskApp.StartAsync(o => o.Secret = Secret);
        var fromDotNet = JsonNode.Parse("""{"name":"Zoë ☃ 𝄞","nested":{"list":[1,2.5,-3e-7,true,null,{"deep":["x"]}]},"big":9007199254740993}""")!;
        var fromFlask = JsonNode.Parse("""{"city":"Zürich","scores":[0.1,1e100,-0.0],"empty":{}}""")!;

        var dotnetCookie = (await dotnet.SendAsync("set", null, fromDotNet)).SetCookie;
        var flaskSees = await python.ReadAsync(dotnetCookie);
        var flaskCookie = (await python.SendAsync("set", dotnetCookie, fromFlask)).SetCookie;
        var dotnetSees = (await dotnet.SendAsync("session", flaskCookie, post: false)).Body!;

        Assert.True(JsonNode.DeepEquals(fromDotNet, flaskSees), flaskSees.ToJsonString());
        foreach (var (key, value) in fromDotNet.AsObject().Concat(fromFlask.AsObject()))
        {
            Assert.True(JsonNode.DeepEquals(value, dotnetSees[key]), $"{key}: {dotnetSees[key]?.ToJsonString()}");
        }
    }

    [Fact]
    public async Task UntouchedKeys_WhenDotNetChangesAnother_KeepFlasksBytesAndTypes()
    {
        using var python = new FlaskClient(await flask.StartAsync(Secret));
        await using var dotnet = await DotNetFlaskApp.StartAsync(o => o.Secret = Secret);
        var typed = await python.SendAsync("typed", null);
        var flaskCookie = typed.SetCookie!;

        var dotnetCookie = (await dotnet.SendAsync("increment", flaskCookie)).SetCookie!;

        var before = RawValues(flaskCookie);
        var after = RawValues(dotnetCookie);
        Assert.Equal("1", after["counter"]);
        Assert.All(before, pair => Assert.Equal(pair.Value, after[pair.Key]));
        var flaskSees = await python.ReadAsync(dotnetCookie);
        typed.Body!.AsObject()["counter"] = 1;
        Assert.True(JsonNode.DeepEquals(typed.Body, flaskSees), flaskSees.ToJsonString());
    }

    [Fact]
    public async Task Flashes_FlashedOnEitherSide_AreShownByFlaskInOrder()
    {
        using var python = new FlaskClient(await flask.StartAsync(Secret));
        await using var dotnet = await DotNetFlaskApp.StartAsync(o => o.Secret = Secret);

        var cookie = (await python.SendAsync("flash", null, new { message = "Saved in Flask", category = "success" })).SetCookie;
        cookie = (await dotnet.SendAsync("flash", cookie, new { message = "Käse added by .NET", category = "info" })).SetCookie;
        var shown = await python.SendAsync("flashes", cookie, post: false);

        Assert.Equal("""[["success","Saved in Flask"],["info","Käse added by .NET"]]""", shown.Body!.ToJsonString(Relaxed));

        // And .NET takes the ones Flask flashed, as get_flashed_messages does.
        Assert.True(shown.Deleted, "Flask deletes the cookie of a session its flashes emptied");
        cookie = (await python.SendAsync("flash", null, new { message = "From Flask again", category = "warning" })).SetCookie;
        var taken = await dotnet.SendAsync("flashes", cookie, post: false);
        Assert.Equal("""[["warning","From Flask again"]]""", taken.Body!.ToJsonString(Relaxed));
        Assert.True(taken.Deleted || taken.SetCookie is not null, ".NET writes the session its flashes were taken from");
        Assert.False((await python.ReadAsync(taken.Deleted ? null : taken.SetCookie)).ContainsKey("_flashes"));
    }

    [Fact]
    public async Task Clearing_OnEitherSide_DeletesTheCookieAndTheOtherSeesNothing()
    {
        using var python = new FlaskClient(await flask.StartAsync(Secret));
        await using var dotnet = await DotNetFlaskApp.StartAsync(o => o.Secret = Secret);
        var cookie = (await python.SendAsync("set", null, new { user_id = 7 })).SetCookie;

        var clearedByDotNet = await dotnet.SendAsync("clear", cookie);
        Assert.True(clearedByDotNet.Deleted);

        cookie = (await dotnet.SendAsync("set", null, new { user_id = 8 })).SetCookie;
        var clearedByFlask = await python.SendAsync("clear", cookie);
        Assert.True(clearedByFlask.Deleted);
        Assert.Empty((await dotnet.SendAsync("session", null, post: false)).Body!.AsObject());
    }

    [Fact]
    public async Task Tampered_OrForeignSecret_IsAnEmptySessionOnDotNetWithoutAnError()
    {
        using var python = new FlaskClient(await flask.StartAsync(Secret));
        using var foreign = new FlaskClient(await flask.StartAsync("another Flask app's SECRET_KEY"));
        await using var dotnet = await DotNetFlaskApp.StartAsync(o => o.Secret = Secret);
        var cookie = (await python.SendAsync("set", null, new { user_id = 7, role = "user" })).SetCookie!;
        var admin = (await python.SendAsync("set", null, new { user_id = 7, role = "admin" })).SetCookie!;
        var tampered = admin[..admin.LastIndexOf('.')] + cookie[cookie.LastIndexOf('.')..];
        var foreignCookie = (await foreign.SendAsync("set", null, new { user_id = 1 })).SetCookie;

        Assert.Empty((await dotnet.SendAsync("session", tampered, post: false)).Body!.AsObject());
        Assert.Empty((await dotnet.SendAsync("session", foreignCookie, post: false)).Body!.AsObject());
        Assert.Empty((await dotnet.SendAsync("session", "garbage.!!.%", post: false)).Body!.AsObject());
        Assert.Equal("admin", (string)(await dotnet.SendAsync("session", admin, post: false)).Body!["role"]!);
    }

    [Fact]
    public async Task Rotation_FlaskCookieUnderTheOldSecret_IsRenewedByDotNetForAFlaskWithOnlyTheNew()
    {
        using var oldFlask = new FlaskClient(await flask.StartAsync(OldSecret));
        using var newFlask = new FlaskClient(await flask.StartAsync(Secret));
        await using var dotnet = await DotNetFlaskApp.StartAsync(o => o.Secrets = [Secret, OldSecret]);
        var oldCookie = (await oldFlask.SendAsync("set", null, new { user_id = 7 })).SetCookie;
        Assert.Empty(await newFlask.ReadAsync(oldCookie));

        // Read only: the older secret alone makes .NET sign it again, under the newest.
        var renewed = await dotnet.SendAsync("session", oldCookie, post: false);

        Assert.Equal(7, (int)renewed.Body!["user_id"]!);
        Assert.NotNull(renewed.SetCookie);
        Assert.Equal(7, (int)(await newFlask.ReadAsync(renewed.SetCookie))["user_id"]!);
        Assert.Empty(await oldFlask.ReadAsync(renewed.SetCookie));
    }

    [Fact]
    public async Task Expiry_MovedClocks_EachSideRefusesTheOthersCookieOnceOlderThanTheLifetime()
    {
        var lifetime = TimeSpan.FromHours(2);
        using var python = new FlaskClient(await flask.StartAsync(Secret, lifetime));
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var dotnet = await DotNetFlaskApp.StartAsync(o => { o.Secret = Secret; o.Flask.PermanentSessionLifetime = lifetime; }, time);

        var flaskCookie = (await python.SendAsync("set", null, new { user_id = 7 })).SetCookie;
        var dotnetCookie = (await dotnet.SendAsync("set", null, new { user_id = 8 })).SetCookie;

        // Two seconds either side of the lifetime, for the time the test itself takes.
        time.Advance(lifetime - TimeSpan.FromSeconds(2));
        Assert.Equal(7, (int)(await dotnet.SendAsync("session", flaskCookie, post: false)).Body!["user_id"]!);
        Assert.Equal(8, (int)(await python.ReadAsync(dotnetCookie, clockOffset: lifetime - TimeSpan.FromSeconds(2)))["user_id"]!);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Empty((await dotnet.SendAsync("session", flaskCookie, post: false)).Body!.AsObject());
        Assert.Empty(await python.ReadAsync(dotnetCookie, clockOffset: lifetime + TimeSpan.FromSeconds(2)));
    }

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Each top-level key's JSON exactly as the cookie carries it, read with the codec.</summary>
    private static Dictionary<string, string> RawValues(string cookie)
    {
        var codec = new FlaskCodec(FlaskKeys.Ring([Secret]), TimeSpan.FromDays(31), TimeProvider.System);
        using var document = JsonDocument.Parse(codec.Decode(cookie).Json.ToArray());
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());
    }

    /// <summary>The .NET app: the same routes as the Flask peer, over the Flask format.</summary>
    private sealed class DotNetFlaskApp : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly FlaskClient _client;

        private DotNetFlaskApp(WebApplication app)
        {
            _app = app;
            _client = new FlaskClient(new Uri(app.Urls.First()));
        }

        public static async Task<DotNetFlaskApp> StartAsync(Action<CookieSessionOptions> configure, TimeProvider? time = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            builder.Services.AddCookieSession(o =>
            {
                o.Format = CookieSessionFormat.Flask;
                configure(o);
            });
            var app = builder.Build();
            app.UseCookieSession();
            app.MapGet("/session", (HttpContext context) => View(context.GetCookieSession()));
            app.MapPost("/set", async (HttpContext context) =>
            {
                var session = context.GetCookieSession();
                var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
                foreach (var (key, value) in body)
                {
                    session[key] = value?.DeepClone();
                }

                return View(session);
            });
            app.MapPost("/increment", (HttpContext context) =>
            {
                var session = context.GetCookieSession();
                session.Set("counter", session.Get<int>("counter") + 1);
                return View(session);
            });
            app.MapPost("/clear", (HttpContext context) =>
            {
                context.ClearCookieSession();
                return new JsonObject();
            });
            app.MapPost("/flash", async (HttpContext context) =>
            {
                var body = (await JsonNode.ParseAsync(context.Request.Body))!;
                var session = context.GetCookieSession();
                var flashes = session["_flashes"]?.AsArray() ?? [];
                flashes.Add(new JsonObject { [" t"] = new JsonArray((string)body["category"]!, (string)body["message"]!) });
                session["_flashes"] = flashes;
                return View(session);
            });
            app.MapGet("/flashes", (HttpContext context) =>
            {
                var session = context.GetCookieSession();
                var flashes = session["_flashes"]?.AsArray() ?? [];
                session.Remove("_flashes");
                return new JsonArray([.. flashes.Select(f => (f?[" t"] ?? f)!.DeepClone())]);
            });
            await app.StartAsync();
            return new DotNetFlaskApp(app);
        }

        public Task<FlaskAnswer> SendAsync(string path, string? cookie, object? body = null, bool post = true)
            => _client.SendAsync(path, cookie, body, post: post);

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _app.DisposeAsync();
        }

        private static JsonObject View(ICookieSession session)
        {
            var view = new JsonObject();
            foreach (var key in session.Keys)
            {
                view[key] = session[key]?.DeepClone();
            }

            return view;
        }
    }
}
