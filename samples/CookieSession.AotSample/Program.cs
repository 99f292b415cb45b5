using System.Text.Json;
using System.Text.Json.Serialization;
using CookieSession;

// A self-check under Native AOT: every session access goes through source-generated JsonTypeInfo.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.ClearProviders();
// The options come from appsettings.json, so that publishing proves the configuration binding free of AOT warnings too.
builder.Services.AddCookieSession(builder.Configuration.GetSection("CookieSession"), o =>
{
    if (args.Contains("--protected"))
    {
        o.Format = CookieSessionFormat.Protected;
    }
});
var app = builder.Build();
app.UseCookieSession();
app.Run(async context =>
{
    var session = context.GetCookieSession();
    var visits = session.Get("visits", AotJson.Default.Int32) + 1;
    session.Set("visits", visits, AotJson.Default.Int32);
    var cart = session.Get("cart", AotJson.Default.Cart) ?? new Cart([]);
    session.Set("cart", new Cart([.. cart.Items, "item" + visits]), AotJson.Default.Cart);
    await context.Response.WriteAsync(visits + ":" + string.Join(",", session.Get("cart", AotJson.Default.Cart)!.Items));
});

await app.StartAsync();
using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
var first = await http.GetAsync("/");
var cookies = string.Join("; ", first.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
using var again = new HttpRequestMessage(HttpMethod.Get, "/");
again.Headers.Add("Cookie", cookies);
var second = await http.SendAsync(again);
Console.WriteLine(await first.Content.ReadAsStringAsync() + " " + await second.Content.ReadAsStringAsync());
await app.StopAsync();

/// <summary>What the sample keeps in the session.</summary>
internal sealed record Cart(string[] Items);

/// <summary>The session's types, by source generation: no reflection at run time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(Cart))]
internal sealed partial class AotJson : JsonSerializerContext;
