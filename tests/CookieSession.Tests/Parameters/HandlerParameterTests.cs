using System.Net.Http.Json;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Parameters;

/// <summary>The session as a handler's parameter, with no attribute: minimal APIs, MVC controllers, API controllers, and as a service.</summary>
public sealed class HandlerParameterTests
{
    [Fact]
    public async Task MinimalApi_ICookieSessionParameter_IsTheRequestsSession()
    {
        await using var app = await StartAsync(app =>
        {
            app.MapGet("/", (ICookieSession session) => session.GetString("user") ?? "anonymous");
            app.MapPost("/sign-in/{name}", (string name, ICookieSession session) => session.SetString("user", name));
            app.MapGet("/other", () => "other endpoints still work");
        });
        var client = app.GetTestClient();

        var signIn = await client.PostAsync("/sign-in/ana", null, Cancel);
        var cookie = CookieOf(signIn);
        var read = await ReadAsync(client, "/", cookie);

        Assert.Equal("ana", read);
        Assert.Equal("other endpoints still work", await client.GetStringAsync("/other", Cancel));
    }

    [Fact]
    public async Task MinimalApi_TypedSessionParameter_ChangesAreSavedWithNoCall()
    {
        await using var app = await StartAsync(app =>
        {
            app.MapPost("/cart/{item}", (string item, ICookieSession<Shop> session) => session.Value.Cart.Add(item));
            app.MapGet("/cart", (ICookieSession<Shop> session) => string.Join(",", session.Value.Cart));
        });
        var client = app.GetTestClient();

        var first = await client.PostAsync("/cart/apple", null, Cancel);
        var second = await SendAsync(client, "/cart/pear", CookieOf(first), HttpMethod.Post);

        Assert.Equal("apple,pear", await (await SendAsync(client, "/cart", CookieOf(second))).Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task MvcController_ICookieSessionAndTypedParameters_AreBoundWithoutAttributes()
    {
        await using var app = await StartAsync(app => app.MapControllers(), mvc: true);
        var client = app.GetTestClient();

        var added = await client.PostAsync("/mvc/add/plum", null, Cancel);
        var read = await ReadAsync(client, "/mvc/read", CookieOf(added));

        Assert.Equal("plum;guest", read);
    }

    [Fact]
    public async Task ApiController_SessionParameter_IsNotInferredAsTheBody()
    {
        await using var app = await StartAsync(app => app.MapControllers(), mvc: true);
        var client = app.GetTestClient();

        var response = await client.PostAsJsonAsync("/api/note", new Note("hello"), Cancel);
        var read = await ReadAsync(client, "/api/note", CookieOf(response));

        Assert.Equal("hello", read);
    }

    [Fact]
    public async Task Service_ResolvedWithinARequest_IsTheRequestsSession()
    {
        await using var app = await StartAsync(
            app => app.MapGet("/", (Greeter greeter) => greeter.Greet()),
            services: s => s.AddHttpContextAccessor().AddScoped<Greeter>());
        var client = app.GetTestClient();

        var body = await ReadAsync(client, "/", TestSigning.SessionCookie("""{"user":"ana"}"""));

        Assert.Equal("hello ana", body);
    }

    [Fact]
    public async Task Service_WithoutHttpContextAccessor_SaysWhatToCall()
    {
        await using var app = await StartAsync(
            app => app.MapGet("/", (HttpContext context) =>
                Record.Exception(() => context.RequestServices.GetRequiredService<ICookieSession>())?.Message ?? "none"));
        var client = app.GetTestClient();

        Assert.Contains("AddHttpContextAccessor", await client.GetStringAsync("/", Cancel), StringComparison.Ordinal);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<WebApplication> StartAsync(Action<WebApplication> map, bool mvc = false, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddCookieSession(o => o.Secret = SessionTestHost.Secret);
        if (mvc)
        {
            builder.Services.AddControllers().AddApplicationPart(typeof(HandlerParameterTests).Assembly);
        }

        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseCookieSession();
        map(app);
        await app.StartAsync(Cancel);
        return app;
    }

    private static string CookieOf(HttpResponseMessage response)
        => string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string cookie, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request, Cancel);
    }

    private static async Task<string> ReadAsync(HttpClient client, string path, string cookie)
        => await (await SendAsync(client, path, cookie)).Content.ReadAsStringAsync();
}

/// <summary>A session as one object.</summary>
public sealed class Shop
{
    public List<string> Cart { get; set; } = [];

    public string? User { get; set; }
}

public sealed record Note(string Text);

public sealed class Greeter(ICookieSession session)
{
    public string Greet() => "hello " + session.GetString("user");
}

[Route("mvc")]
public sealed class SessionParameterController : Controller
{
    [HttpPost("add/{item}")]
    public IActionResult Add(string item, ICookieSession<Shop> shop, ICookieSession session)
    {
        shop.Value.Cart.Add(item);
        session.SetString("role", "guest");
        return Ok();
    }

    [HttpGet("read")]
    public string Read(ICookieSession<Shop> shop, ICookieSession session) => string.Join(",", shop.Value.Cart) + ";" + session.GetString("role");
}

[ApiController]
[Route("api/note")]
public sealed class SessionApiController : ControllerBase
{
    [HttpPost]
    public IActionResult Post(Note note, ICookieSession session)
    {
        session.SetString("note", note.Text);
        return Ok();
    }

    [HttpGet]
    public string? Get(ICookieSession session) => session.GetString("note");
}
