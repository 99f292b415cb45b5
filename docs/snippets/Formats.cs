using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;

namespace CookieSession.Snippets;

/// <summary>Formats, Protected sessions and validation (docs/formats.md, docs/protected-sessions.md, docs/validating-sessions.md).</summary>
internal static class Formats
{
    public static void Protected(WebApplicationBuilder builder)
    {
        // <protected>
        builder.Services.AddDataProtection()
            .SetApplicationName("shop")                                    // the same name on every server
            .PersistKeysToFileSystem(new DirectoryInfo("/var/shop/keys")); // and the same key ring
        builder.Services.AddCookieSession(o =>
        {
            o.Format = CookieSessionFormat.Protected;   // no secret: Data Protection's keys
            o.IdleTimeout = TimeSpan.FromMinutes(20);   // enforced by the server
            o.AbsoluteTimeout = TimeSpan.FromHours(8);  // however active the user is
        });
        // </protected>
    }

    public static void ProtectedForever(WebApplicationBuilder builder)
    {
        // <protected-no-idle>
        builder.Services.AddCookieSession(o =>
        {
            o.Format = CookieSessionFormat.Protected;
            o.IdleTimeout = Timeout.InfiniteTimeSpan;   // no idle limit ("Infinite" in configuration)
        });
        // </protected-no-idle>
    }

    public static void Connect(WebApplicationBuilder builder, string secret)
    {
        // <connect>
        builder.Services.AddCookieSession(o =>
        {
            o.Format = CookieSessionFormat.Connect;   // s:j:<JSON>.<HMAC-SHA256>, as Connect signs it
            o.Secret = secret;                        // the Node app's secret
            o.Cookie.Name = "connect.sess";           // Connect's name and path (the defaults, spelled out)
            o.Cookie.Path = "/";
        });
        // </connect>
    }

    public static void Express(WebApplicationBuilder builder)
    {
        // <express>
        builder.Services.AddCookieSession(o =>
        {
            o.Format = CookieSessionFormat.ExpressCookieSession;   // session=<base64 JSON>; session.sig=<keygrip HMAC>
            o.Secrets = ["the newest key", "an older key"];       // cookie-session's keys: the first signs
        });
        // </express>
    }

    public static void Iron(WebApplicationBuilder builder)
    {
        // <iron>
        builder.Services.AddCookieSession(o =>
        {
            o.Format = CookieSessionFormat.IronSession;
            o.IronSessionPasswords = new Dictionary<int, string>   // iron-session's { 2: "new", 1: "old" }
            {
                [2] = builder.Configuration["Iron:Password2"]!,
                [1] = builder.Configuration["Iron:Password1"]!,
            };
            o.Cookie.Name = "myapp_session";                       // iron-session's cookieName
        });
        // </iron>
    }

    public static void Rails(WebApplicationBuilder builder)
    {
        // <rails>
        builder.Services.AddCookieSession(o =>
        {
            o.Format = CookieSessionFormat.Rails;
            o.Secret = builder.Configuration["Rails:SecretKeyBase"];            // the Rails app's secret_key_base
            o.Cookie.Name = "_shop_session";                                    // its session_store key: required
            o.Cookie.MaxAge = TimeSpan.FromDays(14);                            // its expire_after, if it sets one
            o.Rails.KeyDerivationDigest = HashAlgorithmName.SHA1;               // Rails 5.2 to 6.1 (default SHA256: Rails 7)
        });
        // </rails>
    }

    public static void Validate(WebApplicationBuilder builder)
    {
        builder.Services.AddDistributedMemoryCache();

        // <validate>
        builder.Services.AddCookieSession(o =>
        {
            o.Format = CookieSessionFormat.Protected;
            o.OnValidateSession = async context =>
            {
                if (context.Session.GetString("user") is not { } user)
                {
                    return;
                }

                var cache = context.HttpContext.RequestServices.GetRequiredService<IDistributedCache>();
                if (await cache.GetStringAsync("signed-out:" + user) is { } notBefore
                    && context.CreatedAt?.ToUnixTimeMilliseconds() < long.Parse(notBefore))
                {
                    context.RejectSession();   // an empty session; the cookie is deleted
                }
            };
        });
        // </validate>
    }

    public static void SignOutEverywhere(WebApplication app)
    {
        // <sign-out-everywhere>
        app.MapPost("/sign-out-everywhere", async (HttpContext context, IDistributedCache cache) =>
        {
            if (context.GetCookieSession().GetString("user") is { } user)
            {
                // Every session of this user created before now ends, on every server.
                await cache.SetStringAsync("signed-out:" + user, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString());
            }

            context.ClearCookieSession();
            return Results.Redirect("/");
        });
        // </sign-out-everywhere>
    }
}
