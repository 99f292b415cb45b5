using System.Text.Json;
using System.Text.Json.Serialization;

namespace CookieSession.Snippets;

/// <summary>Sessions under Native AOT and trimming (docs/native-aot.md).</summary>
internal static class NativeAot
{
    public static void Register(WebApplicationBuilder builder)
    {
        // <aot-registration>
        builder.Services.AddCookieSession(builder.Configuration.GetSection("CookieSession"), o =>
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJson.Default));
        // </aot-registration>
    }

    public static void Endpoints(WebApplication app)
    {
        // <aot-parameters>
        app.MapGet("/", (ICookieSession session, ICookieSession<ShopSession> shop) =>
        {
            var visits = (session.GetInteger("visits") ?? 0) + 1;   // the primitives need no metadata
            session.SetInteger("visits", visits);
            shop.Value.Cart.Add("item" + visits);                   // metadata given at registration
            return string.Join(",", shop.Value.Cart);
        });
        // </aot-parameters>

        // <aot-type-info>
        // The lambda uses source-generated metadata itself, so it states its return type: the Request Delegate
        // Generator cannot see another generator's output.
        app.MapGet("/saved", string (ICookieSession session) =>
        {
            var saved = session.Get("saved", AppJson.Default.SavedItems) ?? new SavedItems([]);
            session.Set("saved", new SavedItems([.. saved.Items, "another"]), AppJson.Default.SavedItems);
            return saved.Items.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        // </aot-type-info>

        // <aot-get-cookie-session>
        app.MapPost("/empty-cart", string (HttpContext context) =>
        {
            var shop = context.GetCookieSession(AppJson.Default.ShopSession).Value;
            shop.Cart.Clear();
            return "emptied";
        });
        // </aot-get-cookie-session>
    }
}

// <aot-context>
public sealed record SavedItems(string[] Items);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]   // camelCase, as Node expects
[JsonSerializable(typeof(ShopSession))]
[JsonSerializable(typeof(SavedItems))]
internal sealed partial class AppJson : JsonSerializerContext;
// </aot-context>
