using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CookieSession.Snippets;

/// <summary>The ways a handler reaches the session (docs/session-in-handlers.md).</summary>
internal static class Handlers
{
    public static void MinimalApi(WebApplication app)
    {
        // <parameter-minimal-api>
        app.MapPost("/sign-in/{name}", (string name, ICookieSession session) => session.SetString("user", name));
        app.MapGet("/me", (ICookieSession session) => session.GetString("user") ?? "anonymous");
        // </parameter-minimal-api>

        // <http-context>
        app.MapGet("/visits", (HttpContext context) =>
        {
            ICookieSession session = context.GetCookieSession();
            var visits = session.Get<int>("visits") + 1;
            session.Set("visits", visits);
            return visits;
        });
        // </http-context>

        // <primitives>
        app.MapPost("/preferences", (ICookieSession session) =>
        {
            session.SetString("theme", "dark");
            session.SetInteger("visits", (session.GetInteger("visits") ?? 0) + 1);
            session.SetNumber("zoom", 1.25);
            session.SetBoolean("beta", true);
            return session.GetBoolean("beta") == true ? "beta" : "stable";
        });
        // </primitives>

        // <isession>
        app.MapPost("/legacy", (HttpContext context) =>
        {
            context.Session.SetString("user", "Ada");   // a JSON string: Node reads "Ada"
            return context.Session.GetString("user");
        });
        // </isession>

        // <try-get>
        app.MapGet("/count", (ICookieSession session) =>
            session.TryGet<int>("count", out var count) ? count : 0);   // false for an absent key or another JSON type
        // </try-get>

        // <json-node>
        app.MapPost("/tags/{tag}", (string tag, ICookieSession session) =>
        {
            if (session["tags"] is not System.Text.Json.Nodes.JsonArray tags)
            {
                session["tags"] = tags = [];
            }

            tags.Add(tag);   // the node is live: changing it changes the session
        });
        // </json-node>

        // <cookie-settings>
        app.MapPost("/remember-me", (ICookieSession session) =>
        {
            session.Cookie.MaxAge = TimeSpan.FromDays(30);   // this response's cookie only: a persistent cookie
        });
        // </cookie-settings>
    }

    public static void Service(WebApplicationBuilder builder)
    {
        // <service-registration>
        builder.Services.AddHttpContextAccessor();   // ICookieSession as a service needs the request
        builder.Services.AddScoped<Greeter>();
        // </service-registration>
    }
}

// <service-class>
public sealed class Greeter(ICookieSession session)
{
    public string Greet() => $"Hello, {session.GetString("user") ?? "stranger"}.";
}
// </service-class>

// <parameter-mvc>
public sealed class ProfileController : Controller
{
    [HttpPost("/profile/theme")]
    public IActionResult SetTheme(string theme, ICookieSession session)
    {
        session.SetString("theme", theme);
        return RedirectToAction(nameof(Show));
    }

    [HttpGet("/profile")]
    public IActionResult Show(ICookieSession session) => Content(session.GetString("theme") ?? "light");
}
// </parameter-mvc>

// <parameter-razor-pages>
public sealed class ThemeModel : PageModel
{
    public string Theme { get; private set; } = "light";

    public void OnGet(ICookieSession session) => Theme = session.GetString("theme") ?? "light";

    public IActionResult OnPost(string theme, ICookieSession session)
    {
        session.SetString("theme", theme);
        return RedirectToPage();
    }
}
// </parameter-razor-pages>
