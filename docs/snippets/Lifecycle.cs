using Microsoft.AspNetCore.HttpOverrides;

namespace CookieSession.Snippets;

/// <summary>Where the session sits in the pipeline (docs/request-lifecycle.md).</summary>
internal static class Lifecycle
{
    public static void Pipeline(WebApplicationBuilder builder)
    {
        builder.Services.AddCookieSession(builder.Configuration.GetSection("CookieSession"));
        builder.Services.AddRazorPages();

        // <pipeline-order>
        var app = builder.Build();
        app.UseForwardedHeaders(new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
        });
        app.UseCookiePolicy();
        app.UseCookieSession();   // early: whatever runs after it may change the session until the response starts
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        // </pipeline-order>

        // <on-starting>
        app.Use(async (context, next) =>
        {
            // Registered after UseCookieSession, so it runs before the session's commit: this change is saved.
            context.Response.OnStarting(() =>
            {
                context.GetCookieSession().SetString("lastPath", context.Request.Path);
                return Task.CompletedTask;
            });
            await next(context);
        });
        // </on-starting>
    }
}
