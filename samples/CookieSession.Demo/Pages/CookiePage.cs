using System.Text;
using CookieSession.Demo.Inspection;
using static CookieSession.Demo.Pages.Html;

namespace CookieSession.Demo.Pages;

/// <summary>
/// The cookie inspector: the session cookie exactly as the browser sent it, its size, its parts as the format defines
/// them, what the server read from it, and a button that changes one character of it.
/// </summary>
internal static class CookiePage
{
    /// <summary>Where the tamper button comes back to: which cookie it changed and the index of the character.</summary>
    public const string TamperedCookieQuery = "tampered";
    public const string TamperedIndexQuery = "at";

    public static IResult Render(Frame frame, CookieInspection cookie, string sessionJson, (string Cookie, int Index)? tampered)
    {
        var content = $"""
            <section class="intro">
              <h1>The cookie your browser sent</h1>
              <p>Format <strong>{E(FormatText.Name(cookie.Format))}</strong>: {E(FormatText.Short(cookie.Format))}.
              {E(FormatText.Readability(cookie.Format))}</p>
            </section>
            {Verdict(frame, cookie)}
            <div class="columns wide-left">
              <div>
                {Parts(cookie)}
                {AsSent(cookie, tampered)}
              </div>
              <aside>
                {Summary(cookie)}
                <section class="card">
                  <h2>The session the server read</h2>
                  <pre class="json session-json">{E(sessionJson)}</pre>
                  <p class="muted small">What the library made of the cookie, before this page changed anything.</p>
                </section>
                {TamperCard(frame, cookie)}
              </aside>
            </div>
            """;
        return Layout.Render(frame, "Cookie inspector", Layout.CookiePath, content);
    }

    private static string Verdict(Frame frame, CookieInspection cookie)
    {
        if (!cookie.IsPresent)
        {
            return """
                <section class="verdict none"><strong>No session cookie.</strong> Your browser sent none: sign in or add something
                to the cart on the <a href="/">shop</a>, and come back.</section>
                """;
        }

        return frame.Rejection is { } reason
            ? $"""<section class="verdict bad"><strong>Rejected</strong> ({E(reason)}): the server refused this cookie and started an empty session.</section>"""
            : """<section class="verdict good"><strong>Accepted.</strong> The server verified this cookie and read the session from it.</section>""";
    }

    private static string Summary(CookieInspection cookie)
    {
        if (!cookie.IsPresent)
        {
            return string.Empty;
        }

        var rows = new StringBuilder();
        foreach (var sent in cookie.Cookies)
        {
            rows.Append($"""<tr><td><code>{E(sent.Name)}</code></td><td class="amount">{Count(sent.Size, "byte")}</td></tr>""");
        }

        var others = cookie.OtherCookieNames.Count == 0
            ? string.Empty
            : $"""<p class="muted small">Also sent, not part of the session: {string.Join(", ", cookie.OtherCookieNames.Select(n => $"<code>{E(n)}</code>"))}.</p>""";
        return $"""
            <section class="card size">
              <h2>Size</h2>
              <p class="big"><strong class="total-size">{cookie.TotalSize}</strong> bytes
              {(cookie.Chunks > 0 ? $"in <strong class=\"chunks\">{cookie.Chunks}</strong> chunks" : cookie.Cookies.Count > 1 ? $"in {cookie.Cookies.Count} cookies" : "in one cookie")}</p>
              {Meter(cookie.LargestSize, CookieInspection.CookieLimit)}
              <p class="muted small">The largest cookie is {cookie.LargestSize} of the 4096 bytes a browser keeps for one cookie (name, value and attributes).{(cookie.Format == CookieSessionFormat.Protected ? " A larger session is split into chunks." : "")}</p>
              <table class="sizes">{rows}</table>
              {others}
            </section>
            """;
    }

    private static string Parts(CookieInspection cookie)
    {
        if (!cookie.IsPresent)
        {
            return string.Empty;
        }

        var rows = new StringBuilder();
        foreach (var part in cookie.Parts)
        {
            var value = part.Kind switch
            {
                CookiePartKind.Json => $"""<pre class="json">{E(part.Value)}</pre>""",
                CookiePartKind.Opaque => $"""<code class="opaque">{E(part.Value)}</code>""",
                _ => $"""<code>{E(part.Value)}</code>""",
            };
            rows.Append($"""
                <div class="part {part.Kind.ToString().ToLowerInvariant()}">
                  <div class="label">{E(part.Label)}</div>
                  <div class="value">{value}<p>{E(part.Description)}</p></div>
                </div>
                """);
        }

        return $"""
            <section class="card parts">
              <h2>Taken apart</h2>
              {rows}
            </section>
            """;
    }

    private static string AsSent(CookieInspection cookie, (string Cookie, int Index)? tampered)
    {
        if (!cookie.IsPresent)
        {
            return string.Empty;
        }

        var html = new StringBuilder();
        foreach (var sent in cookie.Cookies)
        {
            var value = E(sent.Value);
            if (tampered is { } t && t.Cookie == sent.Name && t.Index >= 0 && t.Index < sent.Value.Length)
            {
                value = E(sent.Value[..t.Index]) + $"""<mark title="the character the tamper button changed">{E(sent.Value[t.Index].ToString())}</mark>""" + E(sent.Value[(t.Index + 1)..]);
            }

            html.Append($"""<pre class="raw"><span class="name">{E(sent.Name)}</span>=<span class="value">{value}</span></pre>""");
        }

        return $"""
            <section class="card">
              <h2>As sent</h2>
              <p class="muted small">The <code>Cookie</code> header's {(cookie.Cookies.Count == 1 ? "pair" : "pairs")} for the session, undecoded.{(tampered is null ? "" : " The highlighted character is the one the tamper button changed.")}</p>
              {html}
            </section>
            """;
    }

    private static string TamperCard(Frame frame, CookieInspection cookie)
    {
        if (!cookie.IsPresent)
        {
            return string.Empty;
        }

        return $"""
            <section class="card tamper">
              <h2>Tamper with it</h2>
              <p>Change one character of the cookie, as someone editing their cookies would, and see what the server makes of it.
              The next page shows the library's reason for refusing it.</p>
              {PostForm(frame, "/tamper", """<button class="danger">Flip one character</button>""")}
            </section>
            """;
    }
}
