using System.Globalization;
using System.Text.Encodings.Web;

namespace CookieSession.Demo.Pages;

/// <summary>Small pieces of HTML the pages share. Every text that is not the page's own goes through <see cref="E"/>.</summary>
internal static class Html
{
    /// <summary>HTML-encodes text.</summary>
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    /// <summary>A page's HTML as the response.</summary>
    public static IResult Page(string html, int statusCode = StatusCodes.Status200OK)
        => Results.Content(html, "text/html; charset=utf-8", statusCode: statusCode);

    /// <summary>A form that posts to <paramref name="action"/> with the request's antiforgery token.</summary>
    public static string PostForm(Frame frame, string action, string content, string? cssClass = null)
        => $"""<form method="post" action="{E(action)}"{(cssClass is null ? "" : $" class=\"{cssClass}\"")}>{frame.AntiforgeryField}{content}</form>""";

    /// <summary>A bar: <paramref name="size"/> bytes of <paramref name="limit"/>.</summary>
    public static string Meter(int size, int limit)
    {
        var percent = Math.Min(100, size * 100.0 / limit);
        var level = percent > 90 ? "danger" : percent > 70 ? "warn" : "ok";
        return $"""<div class="meter {level}" role="meter" aria-valuenow="{size}" aria-valuemin="0" aria-valuemax="{limit}"><span style="width:{percent.ToString("0.#", CultureInfo.InvariantCulture)}%"></span></div>""";
    }

    /// <summary>A count with its noun: "1 item", "3 items".</summary>
    public static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
