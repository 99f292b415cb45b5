using CookieSession.Mvc.Models;
using CookieSession.Samples;
using Microsoft.AspNetCore.Mvc;

namespace CookieSession.Mvc.Controllers;

/// <summary>
/// The shop: the visitor's name in <c>HttpContext.Session</c>; the cart through <c>HttpContext.GetCookieSession()</c> to
/// show it and an <see cref="ICookieSession"/> action parameter (bound with no attribute) to change it; and a flash
/// message in TempData, shown once on the page each form redirects to (Post/Redirect/Get).
/// </summary>
public sealed class ShopController : Controller
{
    private const string UserKey = "user";
    private const string FlashKey = "Flash";

    [HttpGet("/")]
    public IActionResult Index()
        => View(new ShopPage(HttpContext.Session.GetString(UserKey), Cart.Read(HttpContext.GetCookieSession())));

    [HttpPost("/signin")]
    public IActionResult SignIn(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            TempData[FlashKey] = "Enter a name to sign in.";
        }
        else
        {
            HttpContext.Session.SetString(UserKey, name.Trim());
            TempData[FlashKey] = $"Welcome, {name.Trim()}.";
        }

        return RedirectToAction(nameof(Index));
    }

    [HttpPost("/signout")]
    public IActionResult SignOutOfShop()
    {
        // Everything goes, the cart too; the flash written after the clear is the new session's only entry.
        HttpContext.Session.Clear();
        TempData[FlashKey] = "Signed out.";
        return RedirectToAction(nameof(Index));
    }

    [HttpPost("/cart/add")]
    public IActionResult Add(string? sku, ICookieSession session)
    {
        if (Catalog.Find(sku) is { } product)
        {
            Cart.Add(session, product);
            TempData[FlashKey] = $"Added one {product.Name} to your cart.";
        }

        return RedirectToAction(nameof(Index));
    }

    [HttpPost("/cart/remove")]
    public IActionResult Remove(string? sku, ICookieSession session)
    {
        if (Catalog.Find(sku) is { } product)
        {
            Cart.RemoveOne(session, product);
            TempData[FlashKey] = $"Removed one {product.Name} from your cart.";
        }

        return RedirectToAction(nameof(Index));
    }
}
