using CookieSession;
using CookieSession.Samples;
using Microsoft.AspNetCore.Mvc;

var builder = WebApplication.CreateBuilder(args);

// TempData in the session: the flash messages travel in the session cookie, with the rest of the session.
builder.Services
    .AddControllersWithViews(options => options.Filters.Add(new AutoValidateAntiforgeryTokenAttribute()))
    .AddSessionStateTempDataProvider();

// The format from CookieSession:Format (Connect unless set), the secret from CookieSession:Secret.
builder.AddSampleCookieSession();

var app = builder.Build();
app.WarnIfDevelopmentSecret();

app.UseCookieSession();
app.MapDefaultControllerRoute();

app.Run();
