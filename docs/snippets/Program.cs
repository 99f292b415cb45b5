// The README's Program.cs: the one complete application of this project (top-level statements).
// <program>
using CookieSession;

var builder = WebApplication.CreateBuilder(args);

// Options from the "CookieSession" section: the secret from user secrets or CookieSession__Secret.
builder.Services.AddCookieSession(builder.Configuration.GetSection("CookieSession"));

var app = builder.Build();
app.UseCookieSession();

app.MapGet("/", (ICookieSession session) =>
{
    var visits = (session.GetInteger("visits") ?? 0) + 1;
    session.SetInteger("visits", visits);   // saved in the cookie as the response starts
    return $"Visit {visits}";
});

app.MapPost("/forget", (HttpContext context) =>
{
    context.ClearCookieSession();           // the response deletes the cookie
    return Results.Redirect("/");
});

app.Run();
// </program>
