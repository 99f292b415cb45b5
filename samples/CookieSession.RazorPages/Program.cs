using CookieSession;
using CookieSession.Samples;

var builder = WebApplication.CreateBuilder(args);

// TempData in the session: the flash messages travel in the session cookie, with the rest of the session.
// Razor Pages validate the antiforgery token of every POST handler by default.
builder.Services.AddRazorPages().AddSessionStateTempDataProvider();

// The format from CookieSession:Format (Connect unless set), the secret from CookieSession:Secret.
builder.AddSampleCookieSession();

var app = builder.Build();
app.WarnIfDevelopmentSecret();

app.UseCookieSession();
app.MapRazorPages();

app.Run();
