using System.Globalization;
using System.Text;
using CookieSession.Demo.Account;
using CookieSession.Demo.Inspection;
using CookieSession.Demo.Shop;
using static CookieSession.Demo.Pages.Html;

namespace CookieSession.Demo.Pages;

/// <summary>The main page: a small shop whose visitor, cart and messages all live in the session cookie.</summary>
internal static class ShopPage
{
    public static IResult Render(Frame frame, CookieInspection cookie)
    {
        var session = frame.Session;
        var content = $"""
            <section class="intro">
              <h1>A session that lives in a cookie</h1>
              <p>Who you are, your cart and the messages on this page are all kept in the <code>{E(frame.CookieName)}</code>
              cookie, {E(FormatText.Short(frame.Format))}. There is no session store on the server.
              {E(FormatText.Readability(frame.Format))}</p>
            </section>
            <div class="columns">
              <section class="catalogue" aria-label="Catalogue">
                <h2>Cookies for sale</h2>
                <div class="products">{Products(frame)}</div>
              </section>
              <aside>
                {AccountCard(frame)}
                {CartCard(frame, session.Lines())}
                {CookieCard(frame, cookie, session.Visits())}
              </aside>
            </div>
            """;
        return Layout.Render(frame, "Shop", Layout.ShopPath, content);
    }

    private static string Products(Frame frame)
    {
        var html = new StringBuilder();
        foreach (var product in Catalogue.Products)
        {
            html.Append($"""
                <article class="product" data-sku="{E(product.Sku)}">
                  {CookieArt(product)}
                  <h3>{E(product.Name)}</h3>
                  <p>{E(product.Description)}</p>
                  <div class="buy">
                    <span class="price">{Catalogue.Price(product.PriceCents)}</span>
                    {PostForm(frame, "/cart/add", $"""<input type="hidden" name="sku" value="{E(product.Sku)}"><button class="primary">Add to cart</button>""")}
                  </div>
                </article>
                """);
        }

        return html.ToString();
    }

    /// <summary>A cookie drawn in CSS: the product's colour with chips in its chip colour.</summary>
    private static string CookieArt(Product product)
        => $"""<div class="art" style="--dough:{product.Colour};--chip:{product.ChipColour}" aria-hidden="true"><i></i><i></i><i></i><i></i><i></i></div>""";

    private static string AccountCard(Frame frame)
    {
        if (frame.User is { } user)
        {
            var since = frame.Session.SignedInAt() is { } at ? $" since {at.ToUniversalTime().ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture)}" : "";
            var remembered = frame.Session.IsRemembered()
                ? $"""<p class="remembered">Remembered on this browser. {E(FormatText.Remember(frame.Settings))}</p>"""
                : """<p class="muted small">Not remembered: the cookie ends when the browser closes.</p>""";
            return $"""
                <section class="card account" id="account">
                  <h2>Account</h2>
                  <p class="signed-in">Signed in as <strong>{E(user)}</strong>{since}.</p>
                  {remembered}
                  {PostForm(frame, "/signout", """<button>Sign out</button>""")}
                  <p class="muted small">Signing out deletes the cookie: the session, the cart and all.</p>
                </section>
                """;
        }

        return $"""
            <section class="card account" id="account">
              <h2>Sign in</h2>
              {PostForm(frame, "/signin", $"""
                  <label for="name">Your name</label>
                  <input id="name" name="name" required maxlength="{Visitor.MaxNameLength}" autocomplete="username" placeholder="Ada">
                  <label class="check"><input type="checkbox" name="remember" value="true"> Remember me</label>
                  <p class="muted small">{E(FormatText.Remember(frame.Settings))}</p>
                  <button class="primary">Sign in</button>
                  """, "stack")}
              <p class="muted small">No password: the demo only shows where the name is kept.</p>
            </section>
            """;
    }

    private static string CartCard(Frame frame, IReadOnlyList<CartLine> lines)
    {
        if (lines.Count == 0)
        {
            return """
                <section class="card cart" id="cart">
                  <h2>Cart</h2>
                  <p class="muted">Empty. Add a cookie or two: the cart is stored in the session cookie.</p>
                </section>
                """;
        }

        var rows = new StringBuilder();
        foreach (var line in lines)
        {
            var sku = $"""<input type="hidden" name="sku" value="{E(line.Product.Sku)}">""";
            rows.Append($"""
                <tr data-sku="{E(line.Product.Sku)}">
                  <td class="item">{E(line.Product.Name)}</td>
                  <td class="qty">
                    {PostForm(frame, "/cart/remove", $"""{sku}<button class="icon" aria-label="One less {E(line.Product.Name)}">−</button>""", "inline")}
                    <span class="quantity">{line.Quantity}</span>
                    {PostForm(frame, "/cart/add", $"""{sku}<button class="icon" aria-label="One more {E(line.Product.Name)}"{(line.Quantity >= Cart.MaxQuantity ? " disabled" : "")}>+</button>""", "inline")}
                  </td>
                  <td class="amount">{Catalogue.Price(line.TotalCents)}</td>
                </tr>
                """);
        }

        return $"""
            <section class="card cart" id="cart">
              <h2>Cart <span class="muted small">{Count(lines.Sum(l => l.Quantity), "item")}</span></h2>
              <table class="lines">{rows}
                <tr class="total"><td>Total</td><td></td><td class="amount">{Catalogue.Price(lines.Sum(l => l.TotalCents))}</td></tr>
              </table>
              {PostForm(frame, "/cart/empty", """<button class="link">Empty the cart</button>""")}
            </section>
            """;
    }

    private static string CookieCard(Frame frame, CookieInspection cookie, int visits)
    {
        var size = cookie.IsPresent
            ? $"""
              <p>Your browser sent <strong>{Count(cookie.TotalSize, "byte")}</strong>{(cookie.Chunks > 0 ? $" in {cookie.Chunks} chunks" : cookie.Cookies.Count > 1 ? $" in {cookie.Cookies.Count} cookies" : "")}; a cookie may have 4096.</p>
              {Meter(cookie.LargestSize, CookieInspection.CookieLimit)}
              """
            : """<p>Your browser sent no session cookie: this page's answer brings the first.</p>""";
        return $"""
            <section class="card cookie" id="cookie">
              <h2>The cookie</h2>
              {size}
              <p class="small">Visits in this session: <strong class="visits">{visits}</strong>. Every visit changes the session, so every answer carries a new cookie.</p>
              <p><a class="button" href="{Layout.CookiePath}">Inspect and tamper with it →</a></p>
            </section>
            """;
    }
}
