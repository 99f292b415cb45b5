using System.Text.Json;

namespace CookieSession.Snippets;

/// <summary>Options from configuration and in code (docs/configuration.md).</summary>
internal static class Configuration
{
    public static void FromConfiguration(WebApplicationBuilder builder)
    {
        // <from-configuration>
        builder.Services.AddCookieSession(builder.Configuration.GetSection("CookieSession"));
        // </from-configuration>
    }

    public static void FromConfigurationThenCode(WebApplicationBuilder builder)
    {
        // <from-configuration-then-code>
        // The second argument runs after the binding, for what configuration cannot hold.
        builder.Services.AddCookieSession(builder.Configuration.GetSection("CookieSession"),
            o => o.SerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.General));
        // </from-configuration-then-code>
    }

    public static void ReloadingSecrets(WebApplicationBuilder builder)
    {
        // <reloading-secrets>
        // A file the platform rewrites when the secret rotates (a mounted secret, a vault agent's output), read again
        // on each change; its "CookieSession" section overrides appsettings.json's.
        builder.Configuration.AddJsonFile("/run/secrets/cookiesession.json", optional: true, reloadOnChange: true);
        builder.Services.AddCookieSession(builder.Configuration.GetSection("CookieSession"));
        // </reloading-secrets>
    }

    public static void InCode(WebApplicationBuilder builder)
    {
        // <in-code>
        builder.Services.AddCookieSession(o =>
        {
            o.Secrets = [builder.Configuration["Session:NewSecret"]!, builder.Configuration["Session:OldSecret"]!];
            o.Cookie.MaxAge = TimeSpan.FromDays(7);           // o.Cookie is ASP.NET Core's CookieBuilder
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Rolling = true;                                 // Max-Age counts from the last request
        });
        // </in-code>
    }

    public static void SignedCookies(WebApplicationBuilder builder, WebApplication app, string secret)
    {
        // <signed-cookies-registration>
        builder.Services.AddSignedCookies(o => o.Secret = secret);   // Express's cookieParser(secret)
        // </signed-cookies-registration>

        // <signed-cookies>
        app.MapGet("/prefs", (HttpContext context) =>
        {
            string? name = context.Request.GetSignedCookie("name");       // req.signedCookies.name
            var prefs = context.Request.GetJsonCookie("prefs");           // a signed j: cookie
            context.Response.AppendSignedCookie("name", "Ana");           // res.cookie('name', 'Ana', { signed: true })
            context.Response.AppendJsonCookie("prefs", new System.Text.Json.Nodes.JsonObject { ["theme"] = "dark" });
            return name ?? prefs?.ToJsonString() ?? "none";
        });
        // </signed-cookies>
    }
}
