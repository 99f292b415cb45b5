using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CookieSession;

var builder = WebApplication.CreateBuilder(args);

// The secret comes from configuration (user secrets, environment CookieSession__Secret, ...).
var secret = builder.Configuration["CookieSession:Secret"];
var usingDevelopmentSecret = string.IsNullOrEmpty(secret);

// The format comes from configuration too: Connect (default), ExpressCookieSession, or Protected (encrypted with
// Data Protection, no secret needed, idle and absolute lifetimes enforced by the server).
var format = builder.Configuration.GetValue("CookieSession:Format", CookieSessionFormat.Connect);
builder.Services.AddCookieSession(o =>
{
    o.Format = format;
    if (format == CookieSessionFormat.Protected)
    {
        o.IdleTimeout = TimeSpan.FromMinutes(20);
        o.AbsoluteTimeout = TimeSpan.FromHours(8);
    }
    else
    {
        o.Secret = usingDevelopmentSecret ? "development-only secret: set CookieSession:Secret" : secret;
    }
});

var app = builder.Build();
if (usingDevelopmentSecret && format != CookieSessionFormat.Protected)
{
    app.Logger.LogWarning("No CookieSession:Secret is configured; using a development secret. Anyone who reads this source can forge sessions: set a secret before deploying.");
}

app.UseCookieSession();

// A per-response cookie setting lasts one response: a remembered session asks for its long life on every request.
app.Use(async (context, next) =>
{
    var session = context.GetCookieSession();
    if (session.Get<bool>("remember"))
    {
        session.Cookie.MaxAge = RememberFor;
    }

    await next(context);
});

app.MapGet("/", (HttpContext context) =>
{
    var session = context.GetCookieSession();
    var visits = session.Get<int>("visits") + 1;
    session.Set("visits", visits);
    return Results.Content(Page.Render(context, session, visits), "text/html; charset=utf-8");
});

app.MapPost("/signin", async (HttpContext context) =>
{
    var form = await context.Request.ReadFormAsync();
    var name = form["name"].ToString().Trim();
    if (name.Length is 0 or > 100)
    {
        return Results.Redirect("/");
    }

    var session = context.GetCookieSession();
    session.Set("user", name);
    session.Set("signedInAt", TimeProvider.System.GetUtcNow());
    if (form["remember"] == "on")
    {
        // "Remember me": the cookie outlives the browser session, from this response on.
        session.Set("remember", true);
        session.Cookie.MaxAge = RememberFor;
    }

    return Results.Redirect("/");
});

app.MapPost("/signout", (HttpContext context) =>
{
    context.ClearCookieSession();
    return Results.Redirect("/");
});

app.MapGet("/session.json", (HttpContext context) =>
{
    var session = context.GetCookieSession();
    var json = new JsonObject();
    foreach (var key in session.Keys)
    {
        json[key] = session[key]?.DeepClone();
    }

    return Results.Text(json.ToJsonString(), "application/json");
});

app.Run();

/// <summary>The demo application.</summary>
internal sealed partial class Program
{
    private static readonly TimeSpan RememberFor = TimeSpan.FromDays(30);
}

/// <summary>The demo's single page.</summary>
internal static class Page
{
    public static readonly JsonSerializerOptions Display = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };

    public static string Render(HttpContext context, ICookieSession session, int visits)
    {
        var html = HtmlEncoder.Default;
        var user = session.Get<string>("user");
        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<CookieSessionOptions>>().Value;
        var name = options.Cookie.Name!;
        var cookie = context.Request.Cookies[name];
        var json = new JsonObject();
        foreach (var key in session.Keys)
        {
            json[key] = session[key]?.DeepClone();
        }

        var who = user is null
            ? """
              <form method="post" action="/signin">
                <input name="name" placeholder="Your name" required maxlength="100">
                <label><input type="checkbox" name="remember"> Remember me for 30 days</label>
                <button>Sign in</button>
              </form>
              """
            : $"""
              <p>Signed in as <strong>{html.Encode(user)}</strong>.</p>
              <form method="post" action="/signout"><button>Sign out</button></form>
              """;

        return $"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>CookieSession demo</title>
            <style>body{"{"}font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;line-height:1.5{"}"} pre{"{"}background:#f4f4f4;padding:1rem;white-space:pre-wrap;word-break:break-all{"}"}</style>
            </head>
            <body>
              <h1>CookieSession demo</h1>
              <p>This session lives only in a cookie ({options.Format} format: {(options.Format == CookieSessionFormat.Protected ? "encrypted with Data Protection" : "signed, readable by Node")}): no server-side store.</p>
              <p>Visits in this session: <strong>{visits}</strong></p>
              {who}
              <h2>Session as this request brought it, plus this visit</h2>
              <pre>{html.Encode(json.ToJsonString(Display))}</pre>
              <h2>Cookie</h2>
              <p>The <code>{html.Encode(name)}</code> cookie this request carried is {(cookie is null ? "absent (a new session)" : $"{cookie.Length} bytes, out of the 4096 browsers accept")}.</p>
            </body>
            </html>
            """;
    }
}
