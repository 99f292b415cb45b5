using Microsoft.AspNetCore.HttpOverrides;

namespace CookieSession.Migration;

/// <summary>
/// The ASP.NET Core half: the part of the shop already moved to .NET, the account pages under <c>/account</c>. It
/// reads and writes the old app's session cookie with the CookieSession format of that app's framework (Connect,
/// Rails, Flask or Django), the same secret and the same cookie (path <c>/</c>): the user signed in on the old app
/// is signed in here, and a change to the cart made here is what the old app reads next.
/// </summary>
internal static class AccountApp
{
    public static WebApplication Build(MigrationSettings settings, OldShop shop, string environment)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(AccountApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = environment,
        });
        builder.WebHost.UseUrls(settings.DotNetUrl);
        // Only the front door says "Now listening on:": the address a user browses to, and the one tools wait for.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        // The front door's lifetime is the process's: Ctrl+C stops it, and Program stops this app after it.
        builder.Services.AddSingleton<IHostLifetime, InnerLifetime>();

        builder.Services.AddCookieSession(o => shop.ConfigureSession(o, settings.Secret));

        var app = builder.Build();
        // The front door is on loopback, which ForwardedHeadersOptions trusts by default.
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
        app.UseCookieSession();

        var account = app.MapGroup("/account");
        account.MapGet("/", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Content(AccountPage.Render(context, shop), "text/html; charset=utf-8");
        });

        account.MapPost("/cart", async (HttpContext context) =>
        {
            // The page's forms post application/x-www-form-urlencoded; anything else is not one of them.
            if (!context.Request.HasFormContentType)
            {
                return Results.BadRequest();
            }

            var form = await context.Request.ReadFormAsync();
            var session = context.GetCookieSession();
            if (ShopSession.User(session) is not null)
            {
                var cart = ShopSession.Cart(session);
                var index = cart.FindIndex(line => line.Sku == form["sku"]);
                if (index >= 0)
                {
                    var line = cart[index];
                    var qty = form["change"].ToString() switch
                    {
                        "more" => line.Qty + 1,
                        "less" => line.Qty - 1,
                        "remove" => 0,
                        _ => line.Qty,
                    };
                    if (qty > 0)
                    {
                        cart[index] = line with { Qty = Math.Min(qty, 99) };
                    }
                    else
                    {
                        cart.RemoveAt(index);
                    }

                    ShopSession.SaveCart(session, cart);
                }
            }

            return Results.Redirect("/account");
        });

        account.MapPost("/signout", (HttpContext context) =>
        {
            // As Connect's req.session = null, Rails' reset_session, Flask's session.clear(), Django's flush(): the
            // cookie is deleted, for the old app too.
            context.ClearCookieSession();
            return Results.Redirect("/");
        });

        return app;
    }

    /// <summary>A lifetime that neither waits for nor listens to anything: the front door's handles Ctrl+C.</summary>
    private sealed class InnerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
