using CookieSession;
using Microsoft.AspNetCore.DataProtection;

// The .NET server of bench/load/run.sh: a bare endpoint, and read-only and read-modify-write endpoints with
// CookieSession and with ASP.NET Core's AddSession(), each on its own branch so that no endpoint pays for
// another's middleware. The session is the benchmarks' one: about 200 bytes of JSON.
// "--format Protected" (or IronSession) serves the same /cs endpoints in that format (Data Protection as
// AddDataProtection sets it up, its keys in a temporary folder of the run's own).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var format = builder.Configuration.GetValue("format", CookieSessionFormat.Connect);
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
        o.Secret = "a benchmark secret that is 32+ bytes long";
    }
});
if (format == CookieSessionFormat.Protected)
{
    var keys = Directory.CreateTempSubdirectory("cookiesession-load-keys-");
    builder.Services.AddDataProtection().SetApplicationName("load").PersistKeysToFileSystem(keys);
}

builder.Services.AddDistributedMemoryCache();
builder.Services.AddSession();
var app = builder.Build();

app.Map("/bare", bare => bare.Run(context => context.Response.WriteAsync("ok")));

// The baseline of the comparison: the same two levels of branching as /cs/ro and the same answer, without the
// session, so that what the ratios show is the middleware and not Map's own work on the path.
app.Map("/plain", plain => plain.Map("/ro", ro => ro.Run(context => context.Response.WriteAsync("Ada Lovelace"))));

app.Map("/cs", cs =>
{
    cs.UseCookieSession();
    cs.Map("/seed", seed => seed.Run(context =>
    {
        var session = context.GetCookieSession();
        session.Set("userId", "7f1c2a9e-4b3d-4c8e-9a61-0d5e2f7b8c34");
        session.Set("name", "Ada Lovelace");
        session.Set("roles", new[] { "admin", "editor", "viewer" });
        session.Set("counter", 41);
        session.Set("csrf", "kW3p9sQ2vX7yZ1aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT");
        return context.Response.WriteAsync("seeded");
    }));
    cs.Map("/ro", ro => ro.Run(context => context.Response.WriteAsync(context.GetCookieSession().Get<string>("name") ?? "missing")));
    cs.Map("/rmw", rmw => rmw.Run(context =>
    {
        var session = context.GetCookieSession();
        var counter = session.Get<int>("counter") + 1;
        session.Set("counter", counter);
        return context.Response.WriteAsync(counter.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }));
});

app.Map("/aspnet", aspnet =>
{
    aspnet.UseSession();
    aspnet.Map("/seed", seed => seed.Run(context =>
    {
        var session = context.Session;
        session.SetString("userId", "7f1c2a9e-4b3d-4c8e-9a61-0d5e2f7b8c34");
        session.SetString("name", "Ada Lovelace");
        session.SetString("roles", "[\"admin\",\"editor\",\"viewer\"]");
        session.SetInt32("counter", 41);
        session.SetString("csrf", "kW3p9sQ2vX7yZ1aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT");
        return context.Response.WriteAsync("seeded");
    }));
    aspnet.Map("/ro", ro => ro.Run(context => context.Response.WriteAsync(context.Session.GetString("name") ?? "missing")));
    aspnet.Map("/rmw", rmw => rmw.Run(context =>
    {
        var counter = (context.Session.GetInt32("counter") ?? 0) + 1;
        context.Session.SetInt32("counter", counter);
        return context.Response.WriteAsync(counter.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }));
});

app.Run();
