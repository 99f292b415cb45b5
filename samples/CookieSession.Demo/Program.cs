using CookieSession;
using CookieSession.Demo;
using CookieSession.Demo.Account;
using CookieSession.Demo.Diagnostics;
using CookieSession.Demo.Endpoints;
using CookieSession.Demo.Pages;

var builder = WebApplication.CreateBuilder(args);

// Everything the demo reads from configuration: the format (CookieSession:Format) and the secret (CookieSession:Secret).
var settings = DemoSettings.From(builder.Configuration);
builder.Services.AddSingleton(settings);
builder.Services.AddCookieSession(settings.Configure);

// Every form posts an antiforgery token; a POST without a valid one is refused with 400 before its handler runs.
builder.Services.AddAntiforgery();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);

// Why a cookie was refused, from the library's own metrics, for the page that request renders.
builder.Services.AddHttpContextAccessor();
builder.Services.AddSingleton<RejectionListener>();

var app = builder.Build();
app.Services.GetRequiredService<RejectionListener>().Start();
settings.WarnIfDevelopmentSecret(app.Logger);

app.UseCookieSession();
app.UseStatusCodePages(ErrorPage.RenderAsync);
app.UseAntiforgery();
app.Use(AntiforgeryGate.RefuseInvalid);

app.MapGet("/site.css", Stylesheet.Serve);

// The pages and the forms they post. A remembered session asks for its long-lived cookie on every response.
var site = app.MapGroup("").AddEndpointFilter(RememberMe.KeepCookie);
site.MapPageEndpoints();
var forms = site.MapGroup("").RequireForms();
forms.MapAccountEndpoints();
forms.MapCartEndpoints();

// The tamper button writes the cookie itself: it stays out of the session, so the session writes nothing over it.
app.MapTamperEndpoint();

app.Run();
