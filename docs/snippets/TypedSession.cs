using System.Text.Json;
using System.Text.Json.Serialization;

namespace CookieSession.Snippets;

// <typed-class>
public sealed class ShopSession
{
    public string? User { get; set; }

    public List<string> Cart { get; set; } = [];
}
// </typed-class>

// <extension-data>
public sealed class ProfileSession
{
    public string? Name { get; set; }

    // Every key the class does not declare (another app's, TempData's): changing this changes them.
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}
// </extension-data>

// <property-name>
public sealed class RailsSession
{
    [JsonPropertyName("user_id")]
    public long? UserId { get; set; }

    [JsonPropertyName("return_to")]
    public string? ReturnTo { get; set; }
}
// </property-name>

/// <summary>The typed session (docs/typed-session.md).</summary>
internal static class TypedSessions
{
    public static void Endpoints(WebApplication app)
    {
        // <typed-parameter>
        app.MapPost("/cart/{sku}", (string sku, ICookieSession<ShopSession> shop) => shop.Value.Cart.Add(sku));
        app.MapGet("/cart", (ICookieSession<ShopSession> shop) => shop.Value.Cart);
        // </typed-parameter>

        // <typed-http-context>
        app.MapPost("/sign-out", (HttpContext context) =>
        {
            var shop = context.GetCookieSession<ShopSession>().Value;
            shop.User = null;   // written as "user": null
            shop.Cart.Clear();
        });
        // </typed-http-context>
    }

    public static void SnakeCase(WebApplicationBuilder builder)
    {
        // <snake-case>
        builder.Services.AddCookieSession(builder.Configuration.GetSection("CookieSession"), o =>
            o.SerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web)
            {
                PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,   // VisitCount is "visit_count"
            });
        // </snake-case>
    }
}
