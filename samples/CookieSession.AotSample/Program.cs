using System.Text.Json;
using System.Text.Json.Serialization;
using CookieSession;

// A self-check under Native AOT: minimal-API lambdas, with no explicit return type, take the session as a parameter,
// typed and untyped; the typed session's metadata is given once, at registration, by source generation.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.ClearProviders();
builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Error);
// The options come from appsettings.json, so that publishing proves the configuration binding free of AOT warnings too.
builder.Services.AddCookieSession(builder.Configuration.GetSection("CookieSession"), o =>
{
    o.SerializerOptions.TypeInfoResolverChain.Insert(0, AotJson.Default);
    if (args.Contains("--protected"))
    {
        o.Format = CookieSessionFormat.Protected;
    }
});
var app = builder.Build();
app.UseCookieSession();
app.MapGet("/", (ICookieSession session, ICookieSession<Shop> shop) =>
{
    var visits = (session.GetInteger("visits") ?? 0) + 1;
    session.SetInteger("visits", visits);
    shop.Value.Cart.Add("item" + visits);
    return visits + ":" + string.Join(",", shop.Value.Cart);
});
// A lambda that uses source-generated metadata itself needs an explicit return type: the Request Delegate Generator
// cannot see another generator's output, so it could not infer one.
app.MapGet("/typed-info", string (ICookieSession session) =>
{
    var cart = session.Get("saved", AotJson.Default.Cart) ?? new Cart([]);
    session.Set("saved", new Cart([.. cart.Items, "saved"]), AotJson.Default.Cart);
    return session.Get("saved", AotJson.Default.Cart)!.Items.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
});

await app.StartAsync();
using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
var first = await http.GetAsync("/");
if (!first.IsSuccessStatusCode)
{
    Console.WriteLine($"{(int)first.StatusCode}: {await first.Content.ReadAsStringAsync()}");
    return 1;
}

var cookies = string.Join("; ", first.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
using var again = new HttpRequestMessage(HttpMethod.Get, "/");
again.Headers.Add("Cookie", cookies);
var second = await http.SendAsync(again);
using var typed = new HttpRequestMessage(HttpMethod.Get, "/typed-info");
typed.Headers.Add("Cookie", cookies);
var saved = await http.SendAsync(typed);
Console.WriteLine(await first.Content.ReadAsStringAsync() + " " + await second.Content.ReadAsStringAsync() + " saved:" + await saved.Content.ReadAsStringAsync());
await app.StopAsync();
return 0;

/// <summary>What the sample keeps in the session.</summary>
internal sealed record Cart(string[] Items);

/// <summary>The session as one object.</summary>
internal sealed class Shop
{
    public List<string> Cart { get; set; } = [];
}

/// <summary>The session's types, by source generation: no reflection at run time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(Cart))]
[JsonSerializable(typeof(Shop))]
internal sealed partial class AotJson : JsonSerializerContext;
