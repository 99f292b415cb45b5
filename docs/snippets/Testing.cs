using System.Text.Json.Nodes;

namespace CookieSession.Snippets;

/// <summary>Sessions made and read outside a request (docs/testing.md).</summary>
internal static class Testing
{
    public static async Task<JsonObject?> ReadWhatTheResponseSetAsync(HttpClient client, ICookieSessionCodec codec)
    {
        // <read-set-cookie>
        var response = await client.GetAsync("/");
        JsonObject? session = response.Headers.TryGetValues("Set-Cookie", out var setCookie)
            ? codec.ReadSetCookieHeaders(setCookie)
            : null;
        // </read-set-cookie>
        return session;
    }

    public static void MagicLinks(WebApplication app)
    {
        // <magic-link>
        app.MapPost("/magic-link", (string email, ICookieSessionCodec codec, LinkGenerator links, HttpContext context) =>
        {
            var token = codec.CreateToken(new JsonObject { ["email"] = email }, "sign-in-link", TimeSpan.FromMinutes(15));
            var link = links.GetUriByName(context, "sign-in", new { token });
            return Results.Ok(link);   // an app would send it by email
        });

        app.MapGet("/sign-in", (string token, ICookieSessionCodec codec, ICookieSession session) =>
        {
            if (codec.ReadToken(token, "sign-in-link") is not { } data)
            {
                return Results.BadRequest("The link is invalid or has expired.");
            }

            session.SetString("user", data["email"]!.GetValue<string>());
            return Results.Redirect("/");
        }).WithName("sign-in");
        // </magic-link>
    }
}
