using CookieSession.Snippets.Blazor;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CookieSession.Snippets;

/// <summary>The set-up of each app model, as the README and the getting-started pages show it.</summary>
internal static class AppModels
{
    public static void Mvc(WebApplicationBuilder builder)
    {
        // <readme-mvc>
        builder.Services.AddControllersWithViews().AddSessionStateTempDataProvider(); // TempData in the session
        builder.Services.AddCookieSession(builder.Configuration.GetSection("CookieSession"));
        var app = builder.Build();
        app.UseCookieSession();
        app.MapDefaultControllerRoute();
        // </readme-mvc>
        app.Run();
    }

    public static void MvcWithAntiforgery(WebApplicationBuilder builder)
    {
        // <mvc-services>
        builder.Services
            .AddControllersWithViews(o => o.Filters.Add(new AutoValidateAntiforgeryTokenAttribute()))
            .AddSessionStateTempDataProvider();
        builder.Services.AddCookieSession(builder.Configuration.GetSection("CookieSession"));
        // </mvc-services>
    }

    public static void RazorPages(WebApplicationBuilder builder)
    {
        // <readme-razor-pages>
        builder.Services.AddRazorPages().AddSessionStateTempDataProvider();
        builder.Services.AddCookieSession(builder.Configuration.GetSection("CookieSession"));
        var app = builder.Build();
        app.UseCookieSession();
        app.MapRazorPages();
        // </readme-razor-pages>
        app.Run();
    }

    public static void Blazor(WebApplicationBuilder builder)
    {
        // <readme-blazor>
        builder.Services.AddRazorComponents();               // static server rendering
        builder.Services.AddCookieSession(builder.Configuration.GetSection("CookieSession"));
        var app = builder.Build();
        app.UseCookieSession();
        app.UseAntiforgery();
        app.MapRazorComponents<App>();
        // </readme-blazor>
        app.Run();
    }
}

// <mvc-controller>
public sealed class CartController : Controller
{
    [HttpGet("/cart")]
    public IActionResult Index(ICookieSession session)
        => View(session.Get<Dictionary<string, int>>("cart") ?? []);

    [HttpPost("/cart/add")]
    public IActionResult Add(string sku, ICookieSession session)
    {
        var cart = session.Get<Dictionary<string, int>>("cart") ?? [];
        cart[sku] = cart.GetValueOrDefault(sku) + 1;
        session.Set("cart", cart);

        // TempData travels in the session cookie too (AddSessionStateTempDataProvider), shown once after the redirect.
        TempData["Flash"] = $"Added one {sku}.";
        return RedirectToAction(nameof(Index));
    }
}
// </mvc-controller>

// <razor-page>
public sealed class CartModel : PageModel
{
    [TempData]
    public string? Flash { get; set; }

    public IReadOnlyDictionary<string, int> Lines { get; private set; } = new Dictionary<string, int>();

    public void OnGet(ICookieSession session)
        => Lines = session.Get<Dictionary<string, int>>("cart") ?? [];

    public IActionResult OnPostAdd(string sku, ICookieSession session)
    {
        var cart = session.Get<Dictionary<string, int>>("cart") ?? [];
        cart[sku] = cart.GetValueOrDefault(sku) + 1;
        session.Set("cart", cart);
        Flash = $"Added one {sku}.";
        return RedirectToPage();
    }
}
// </razor-page>
