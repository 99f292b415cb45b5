using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace CookieSession.Migration;

/// <summary>
/// The account page, server-rendered with the same markup and stylesheet (<c>/site.css</c>, served by the old app
/// through the same origin) as the old app's pages, so that moving a page from one app to the other changes nothing a
/// user sees but the banner that says which app served it.
/// </summary>
internal static class AccountPage
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    public static string Render(HttpContext context, OldShop shop)
    {
        var session = context.GetCookieSession();
        var user = ShopSession.User(session);
        var main = user is null ? SignedOut(shop) : Cart(shop, user, ShopSession.Cart(session));
        var cookie = RawCookie(context.Request.Headers.Cookie.ToString(), shop.CookieName);
        var cookieName = Html.Encode(shop.CookieName);

        return $"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Tea &amp; Paper: your cart (ASP.NET Core)</title><link rel="stylesheet" href="/site.css"></head>
            <body>
            <header class="top"><a class="brand" href="/">Tea &amp; Paper</a><nav><a href="/">Shop</a><a href="/account" class="current">Your cart</a></nav><span class="who">{(user is null ? "not signed in" : Html.Encode(user.Name))}</span></header>
            <div class="served dotnet" data-testid="served-by">Served by <strong>ASP.NET Core {Environment.Version}</strong> &middot; CookieSession, {shop.Format} format &middot; the same {cookieName} cookie</div>
            <main>{main}</main>
            <section class="session"><h2>The session, as ASP.NET Core reads it</h2><pre data-testid="session-json">{Html.Encode(ShopSession.ToDisplayJson(session))}</pre><p class="muted small">{(cookie is null
                ? $"No <code>{cookieName}</code> cookie came with this request: a new session."
                : $"Cookie <code>{cookieName}</code>, {cookie.Length} bytes: {shop.CookieSummaryHtml}")}</p></section>
            </body>
            </html>

            """;
    }

    private static string SignedOut(OldShop shop) => $"""
        <section class="card narrow">
        <h1>You are not signed in</h1>
        <p data-testid="signed-out">This page is served by <strong>ASP.NET Core</strong>. Sign in at <a href="/">the shop</a>, served by the <strong>{shop.Name}</strong> app: this page will know you from the same cookie.</p>
        </section>
        """;

    private static string Cart(OldShop shop, ShopUser user, List<CartLine> cart)
    {
        var rows = new StringBuilder();
        foreach (var line in cart)
        {
            var sku = Html.Encode(line.Sku);
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr data-testid="cart-{sku}"><td>{Html.Encode(line.Name)}</td><td class="num">{Money(line.Price)}</td>
                <td class="num"><form method="post" action="/account/cart"><input type="hidden" name="sku" value="{sku}"><button class="quiet" name="change" value="less" aria-label="One less" data-testid="less-{sku}">&minus;</button></form>
                <span data-testid="qty-{sku}">{line.Qty}</span>
                <form method="post" action="/account/cart"><input type="hidden" name="sku" value="{sku}"><button class="quiet" name="change" value="more" aria-label="One more" data-testid="more-{sku}">+</button></form></td>
                <td class="num">{Money(line.Price * line.Qty)}</td>
                <td class="num"><form method="post" action="/account/cart"><input type="hidden" name="sku" value="{sku}"><button class="quiet" name="change" value="remove" data-testid="remove-{sku}">Remove</button></form></td></tr>
                """);
        }

        var total = cart.Sum(line => line.Price * line.Qty);
        var table = cart.Count == 0
            ? """<p class="muted" data-testid="cart-empty">Your cart is empty.</p>"""
            : $"""
              <table class="cart" data-testid="cart"><thead><tr><th>Item</th><th class="num">Price</th><th class="num">Quantity</th><th class="num">Subtotal</th><th></th></tr></thead>
              <tbody>{rows}</tbody></table>
              <p class="total">Total <strong>{Money(total)}</strong></p>
              """;

        return $"""
            <section class="card">
            <h1><span data-testid="user">{Html.Encode(user.Name)}</span>&rsquo;s cart</h1>
            <p class="muted">The cart you filled on the {shop.Name} side, read and changed here by ASP.NET Core.</p>
            {table}
            <div class="actions"><a class="button" href="/">Continue shopping</a><span class="muted small">on the {shop.Name} side</span>
            <form method="post" action="/account/signout"><button class="quiet" data-testid="sign-out">Sign out</button></form></div>
            </section>
            """;
    }

    /// <summary>The cookie's value as the browser sent it (its length is shown, never its value).</summary>
    private static string? RawCookie(string? header, string name)
    {
        foreach (var part in (header ?? string.Empty).Split(';'))
        {
            var pair = part.Trim();
            if (pair.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return pair[(name.Length + 1)..];
            }
        }

        return null;
    }

    private static string Money(int cents) => (cents / 100m).ToString("$0.00", CultureInfo.InvariantCulture);
}
