using CookieSession;
using CookieSession.Blazor.Components;
using CookieSession.Samples;

var builder = WebApplication.CreateBuilder(args);

// Static server rendering: each component renders on the server with the request's HttpContext, so the session
// is there through [CascadingParameter] HttpContext, as long as the response has not started.
builder.Services.AddRazorComponents();

// The format from CookieSession:Format (Connect unless set), the secret from CookieSession:Secret.
builder.AddSampleCookieSession();

var app = builder.Build();
app.WarnIfDevelopmentSecret();

app.UseCookieSession();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>();

app.Run();
