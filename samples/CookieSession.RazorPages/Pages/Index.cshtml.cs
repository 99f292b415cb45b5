using CookieSession.Samples;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CookieSession.RazorPages.Pages;

/// <summary>
/// The shop: the visitor's name in <c>HttpContext.Session</c>; the cart through <c>HttpContext.GetCookieSession()</c> to
/// show it and an <see cref="ICookieSession"/> handler parameter (bound with no attribute) to change it; and a flash
/// message in TempData, shown once on the page each handler redirects to (Post/Redirect/Get).
/// </summary>
public sealed class IndexModel : PageModel
{
    private const string UserKey = "user";

    /// <summary>The flash message: TempData's "Flash" entry, read when a handler starts and saved when it changed.</summary>
    [TempData]
    public string? Flash { get; set; }

    public string? Visitor { get; private set; }

    public IReadOnlyDictionary<string, int> Lines { get; private set; } = new Dictionary<string, int>();

    public void OnGet()
    {
        Visitor = HttpContext.Session.GetString(UserKey);
        Lines = Cart.Read(HttpContext.GetCookieSession());
    }

    public IActionResult OnPostSignIn(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            Flash = "Enter a name to sign in.";
        }
        else
        {
            HttpContext.Session.SetString(UserKey, name.Trim());
            Flash = $"Welcome, {name.Trim()}.";
        }

        return RedirectToPage();
    }

    public IActionResult OnPostSignOut()
    {
        // Everything goes, the cart too; the flash written after the clear is the new session's only entry.
        HttpContext.Session.Clear();
        Flash = "Signed out.";
        return RedirectToPage();
    }

    public IActionResult OnPostAdd(string? sku, ICookieSession session)
    {
        if (Catalog.Find(sku) is { } product)
        {
            Cart.Add(session, product);

            // The TempData dictionary itself, as the [TempData] property does it underneath.
            TempData["Flash"] = $"Added one {product.Name} to your cart.";
        }

        return RedirectToPage();
    }

    public IActionResult OnPostRemove(string? sku, ICookieSession session)
    {
        if (Catalog.Find(sku) is { } product)
        {
            Cart.RemoveOne(session, product);
            TempData["Flash"] = $"Removed one {product.Name} from your cart.";
        }

        return RedirectToPage();
    }
}
