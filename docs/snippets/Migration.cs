namespace CookieSession.Snippets;

/// <summary>Moving from ASP.NET Core's own session (docs/from-aspnet-session.md).</summary>
internal static class Migration
{
    public static void Before(WebApplicationBuilder builder)
    {
        // <aspnet-session-before>
        builder.Services.AddDistributedMemoryCache();
        builder.Services.AddSession(o => o.IdleTimeout = TimeSpan.FromMinutes(20));
        builder.Services.AddControllersWithViews();   // TempData in its own cookie
        var app = builder.Build();
        app.UseSession();
        app.MapDefaultControllerRoute();
        // </aspnet-session-before>
    }

    public static void After(WebApplicationBuilder builder)
    {
        // <aspnet-session-after>
        builder.Services.AddCookieSession(o =>
        {
            o.Format = CookieSessionFormat.Protected;   // encrypted, as the server-side session's data never left the server
            o.IdleTimeout = TimeSpan.FromMinutes(20);
        });
        builder.Services.AddControllersWithViews().AddSessionStateTempDataProvider();   // TempData in the session
        var app = builder.Build();
        app.UseCookieSession();
        app.MapDefaultControllerRoute();
        // </aspnet-session-after>
    }
}
