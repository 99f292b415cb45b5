using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CookieSession.Tests.Interop;

/// <summary>
/// The .NET side of the interop tests: a real Kestrel server on loopback with the same routes as
/// tests/interop/server.js, so that a scenario reads the same whichever side serves it: request bodies are read
/// as JSON.parse reads them and answers written as JSON.stringify writes them (lone surrogates included, which
/// System.Text.Json's own reader refuses and its writer turns into U+FFFD). One route more than Node's, <c>GET /cart/add?sku=</c>,
/// changes the session through a typed <see cref="ICookieSession{TSession}"/> handler parameter (<see cref="ShopSession"/>).
/// </summary>
internal static class DotNetPeer
{
    public static async Task<(WebApplication App, Uri Address)> StartAsync(CookieSessionFormat format, IReadOnlyList<string> secrets, Action<CookieSessionOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddCookieSession(o =>
        {
            o.Format = format;
            if (format == CookieSessionFormat.IronSession)
            {
                // As the iron Node peers number them: the first, the newest, has the highest id.
                for (var i = 0; i < secrets.Count; i++)
                {
                    o.IronSessionPasswords[secrets.Count - i] = secrets[i];
                }
            }
            else
            {
                o.Secrets = secrets.ToList();
            }

            configure?.Invoke(o);
        });
        builder.Services.AddSignedCookies(o => o.Secrets = secrets.ToList());
        var app = builder.Build();
        app.UseCookieSession();

        app.MapGet("/get", (HttpContext context) => Json(View(context.GetCookieSession())));
        app.MapGet("/touch", (HttpContext context) => Json(new JsonObject { ["touched"] = context.GetCookieSession().Keys.Count() }));
        app.MapGet("/inc", (HttpContext context) =>
        {
            var session = context.GetCookieSession();
            session.Set("count", session.Get<int>("count") + 1);
            return Json(new JsonObject { ["count"] = session.Get<int>("count") });
        });
        app.MapGet("/cart/add", (string sku, ICookieSession<ShopSession> session) =>
        {
            var shop = session.Value;
            shop.Cart[sku] = shop.Cart.GetValueOrDefault(sku) + 1;
            var cart = new JsonObject();
            foreach (var (line, quantity) in shop.Cart)
            {
                cart[line] = quantity;
            }

            return Json(new JsonObject { ["user"] = shop.User, ["cart"] = cart });
        });
        app.MapGet("/clear", (HttpContext context) =>
        {
            context.ClearCookieSession();
            return Json(new JsonObject { ["cleared"] = true });
        });
        app.MapGet("/empty", (HttpContext context) =>
        {
            context.GetCookieSession().Clear();
            return Json(new JsonObject());
        });
        app.MapPost("/set", async (HttpContext context) =>
        {
            var body = (await ReadJsonAsync(context.Request))!.AsObject();
            var session = context.GetCookieSession();
            foreach (var (key, value) in body)
            {
                session[key] = value?.DeepClone();
            }

            return Json(View(session));
        });
        app.MapGet("/cookies/read", (HttpContext context) =>
        {
            var name = context.Request.Query["name"].ToString();
            return Json(new JsonObject
            {
                ["signed"] = context.Request.GetSignedCookie(name),
                ["json"] = context.Request.GetJsonCookie(name)?.DeepClone(),
                ["plainJson"] = context.Request.GetJsonCookie(name, signed: false)?.DeepClone(),
            });
        });
        app.MapPost("/cookies/set", async (HttpContext context) =>
        {
            var cookies = (await ReadJsonAsync(context.Request))!.AsArray();
            foreach (var cookie in cookies)
            {
                var name = cookie!["name"]!.GetValue<string>();
                var signed = cookie["signed"]?.GetValue<bool>() ?? false;
                var value = cookie["value"];
                var options = new CookieOptions { Path = "/" };
                if (value is JsonValue text && text.TryGetValue(out string? s) && signed)
                {
                    context.Response.AppendSignedCookie(name, s, options);
                }
                else
                {
                    context.Response.AppendJsonCookie(name, value?.DeepClone(), options, signed);
                }
            }

            return Results.Text("ok");
        });

        await app.StartAsync();
        return (app, new Uri(app.Urls.First()));
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

    private static async Task<JsonNode?> ReadJsonAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        return RawJsonObject.ToNode(body.GetBuffer().AsSpan(0, (int)body.Length));
    }

    private static IResult Json(JsonNode node)
    {
        var buffer = new PooledByteBuffer(256);
        try
        {
            JsJsonWriter.WriteNode(node, ref buffer, CookieSessionDefaults.MaxDepth);
            return Results.Text(Encoding.UTF8.GetString(buffer.WrittenSpan), "application/json");
        }
        finally
        {
            buffer.Dispose();
        }
    }
}

/// <summary>The session as a shop sees it: who is signed in and the cart, quantities by SKU. Every other key is Node's.</summary>
internal sealed class ShopSession
{
    public string? User { get; set; }

    public Dictionary<string, int> Cart { get; set; } = [];
}
