namespace CookieSession.Snippets;

/// <summary>Cookie prefixes and the proxy in front (docs/security.md, docs/troubleshooting.md).</summary>
internal static class Security
{
    public static void HostPrefix(WebApplicationBuilder builder)
    {
        // <host-prefix>
        builder.Services.AddCookieSession(o =>
        {
            o.Format = CookieSessionFormat.Protected;
            o.Cookie.Name = "__Host-session";                    // only this host, only over HTTPS
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;   // required by the prefix; Path stays "/", no Domain
        });
        // </host-prefix>
    }

    public static void BehindProxy(WebApplicationBuilder builder)
    {
        builder.Services.AddCookieSession(o =>
        {
            o.Secret = builder.Configuration["CookieSession:Secret"];
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });

        // <forwarded-headers>
        var app = builder.Build();
        app.UseForwardedHeaders(new ForwardedHeadersOptions
        {
            // The proxy terminates TLS and says so in X-Forwarded-Proto; Request.IsHttps follows it.
            ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto,
        });
        app.UseCookieSession();
        // </forwarded-headers>
    }
}
