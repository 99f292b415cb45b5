using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CookieSession.Migration;

/// <summary>The signed-in user, as the old app stores it: <c>{ "name": "Ada" }</c>.</summary>
internal sealed record ShopUser(string Name);

/// <summary>One line of the cart, as the old app stores it: <c>{ "sku", "name", "price" (cents), "qty" }</c>.</summary>
internal sealed record CartLine(string Sku, string Name, int Price, int Qty);

/// <summary>
/// The session contract both apps keep: <c>{ "user": { "name" }, "cart": [ lines ] }</c>, the names every old app
/// uses (one word each, so the same in camelCase and snake_case). Read with <c>TryGet</c>, so a value of an unexpected shape reads as absent instead of
/// failing the page.
/// </summary>
internal static class ShopSession
{
    public static ShopUser? User(ICookieSession session)
        => session.TryGet<ShopUser>("user", out var user) && !string.IsNullOrEmpty(user?.Name) ? user : null;

    public static List<CartLine> Cart(ICookieSession session)
        => session.TryGet<List<CartLine>>("cart", out var cart) && cart is not null ? cart : [];

    public static void SaveCart(ICookieSession session, List<CartLine> cart) => session.Set("cart", cart);

    /// <summary>
    /// The session as JSON for the page's "as this app reads it" panel: one line a key and one line an element of an
    /// array, each compact as in the cookie; the old app's page writes the same layout.
    /// </summary>
    public static string ToDisplayJson(ICookieSession session)
    {
        if (!session.Keys.Any())
        {
            return "{}";
        }

        var lines = session.Keys.Select(key =>
        {
            var value = session[key];
            var text = value is JsonArray { Count: > 0 } array
                ? "[\n" + string.Join(",\n", array.Select(element => "    " + Compact(element))) + "\n  ]"
                : Compact(value);
            return "  " + JsonSerializer.Serialize(key, Display) + ": " + text;
        });
        return "{\n" + string.Join(",\n", lines) + "\n}";
    }

    private static string Compact(JsonNode? node) => node?.ToJsonString(Display) ?? "null";

    private static readonly JsonSerializerOptions Display = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
