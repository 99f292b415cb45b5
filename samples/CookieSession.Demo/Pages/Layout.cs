using System.Text;
using CookieSession.Demo.Account;
using CookieSession.Demo.Diagnostics;
using static CookieSession.Demo.Pages.Html;

namespace CookieSession.Demo.Pages;

/// <summary>The page around every page's content: the header, a refused cookie, messages, and the formats.</summary>
internal static class Layout
{
    public const string ShopPath = "/";
    public const string CookiePath = "/cookie";

    /// <summary>The cookie drawn in the header, in SVG (no image file, no emoji font needed).</summary>
    private const string Logo = """
        <svg class="logo" viewBox="0 0 32 32" aria-hidden="true"><circle cx="16" cy="16" r="14" fill="#d9a066"/><circle cx="16" cy="16" r="14" fill="none" stroke="#b07a3c" stroke-width="2"/><circle cx="11" cy="11" r="2.2" fill="#4a2c1a"/><circle cx="20" cy="9.5" r="1.8" fill="#4a2c1a"/><circle cx="21.5" cy="18" r="2.4" fill="#4a2c1a"/><circle cx="12.5" cy="20.5" r="2" fill="#4a2c1a"/><circle cx="16.5" cy="15" r="1.3" fill="#4a2c1a"/></svg>
        """;

    public static IResult Render(Frame frame, string title, string activePath, string content, int statusCode = StatusCodes.Status200OK)
    {
        var nav = new StringBuilder();
        foreach (var (path, label) in new[] { (ShopPath, "Shop"), (CookiePath, "Cookie inspector") })
        {
            nav.Append($"""<a href="{path}"{(path == activePath ? " class=\"active\" aria-current=\"page\"" : "")}>{label}</a>""");
        }

        var who = frame.User is { } user
            ? $"""<span class="who">Signed in as <strong>{E(user)}</strong></span>"""
            : """<span class="who muted">Not signed in</span>""";

        return Html.Page($"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>{E(title)} · CookieSession demo</title>
              <link rel="icon" href="data:image/svg+xml,{Uri.EscapeDataString(Logo.Replace(" class=\"logo\"", " xmlns=\"http://www.w3.org/2000/svg\"", StringComparison.Ordinal).Trim())}">
              <link rel="stylesheet" href="/site.css">
            </head>
            <body>
              <header class="topbar">
                <div class="bar">
                  <a class="brand" href="/">{Logo}<span>CookieSession <em>demo</em></span></a>
                  <nav>{nav}</nav>
                  <div class="status">
                    {who}
                    <a class="cart-pill" href="/#cart">Cart <b>{frame.CartCount}</b></a>
                    <a class="format-pill" href="#formats" title="{E(FormatText.Short(frame.Format))}">Format: <b>{E(FormatText.Name(frame.Format))}</b></a>
                  </div>
                </div>
              </header>
              <main>
                {RejectionBanner(frame)}
                {Flashes(frame.Flashes)}
                {content}
              </main>
              {Formats(frame)}
            </body>
            </html>
            """, statusCode);
    }

    private static string RejectionBanner(Frame frame)
    {
        if (frame.Rejection is not { } reason)
        {
            return string.Empty;
        }

        return $"""
            <section class="banner rejected" data-rejection="{E(reason)}">
              <h2>Your session cookie was rejected: <code>{E(reason)}</code></h2>
              <p>{E(RejectionReasons.Explain(reason))} The library read nothing from it: this request started with an empty
              session, so you are signed out and your cart is empty. Nothing failed: a refused cookie is never an error page.</p>
              <p class="small">The reason comes from the library's metrics: the counter <code>{RejectionListener.InstrumentName}</code>
              of the meter <code>{RejectionListener.MeterName}</code>, tag <code>{RejectionListener.ReasonTag}</code>.</p>
            </section>
            """;
    }

    private static string Flashes(IReadOnlyList<FlashMessage> flashes)
    {
        if (flashes.Count == 0)
        {
            return string.Empty;
        }

        var html = new StringBuilder("""<div class="flashes">""");
        foreach (var flash in flashes)
        {
            html.Append($"""<p class="flash {flash.Kind.ToString().ToLowerInvariant()}" role="status">{E(flash.Text)}<span class="note">flash message: shown once, then removed from the session</span></p>""");
        }

        return html.Append("</div>").ToString();
    }

    private static string Formats(Frame frame)
    {
        var rows = new StringBuilder();
        foreach (var format in DemoSettings.Formats)
        {
            var current = format == frame.Format;
            rows.Append($"""
                <tr{(current ? " class=\"current\"" : "")}>
                  <th>{E(FormatText.Name(format))}{(current ? " <span class=\"tag\">running</span>" : "")}<span class="what">{E(FormatText.Short(format))}</span></th>
                  <td><code>{E(DemoSettings.RunCommand(format))}</code></td>
                </tr>
                """);
        }

        return $"""
            <footer id="formats">
              <div class="inner">
                <h2>Formats</h2>
                <p>This demo runs one format at a time, chosen by the configuration key <code>{DemoSettings.FormatKey}</code>
                (an argument, or the environment variable <code>CookieSession__Format</code>). The signed and sealed formats use
                <code>{DemoSettings.SecretKey}</code>{(frame.Settings.UsesDevelopmentSecret ? ", and without one a development secret (a warning is logged)" : "")}. Stop the demo and start it with:</p>
                <table class="formats">{rows}</table>
              </div>
            </footer>
            """;
    }
}
