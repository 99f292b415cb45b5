using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Cookies;

/// <summary>
/// The length of the <c>Set-Cookie</c> value ASP.NET Core writes for a cookie (name, escaped value and
/// attributes), worked out without building it, so that an oversized session is refused before it is
/// sent rather than silently dropped by the browser.
/// </summary>
internal static class SetCookieSize
{
    public static int Of(string name, int escapedValueLength, CookieOptions options)
        => name.Length + 1 + escapedValueLength + OfAttributes(options);

    /// <summary>The length of the attributes alone: everything after <c>name=value</c>.</summary>
    public static int OfAttributes(CookieOptions options)
    {
        var size = 0;
        if (options.Expires.HasValue)
        {
            size += "; expires=".Length + "Thu, 01 Jan 1970 00:00:00 GMT".Length;
        }

        if (options.MaxAge is { } maxAge)
        {
            Span<char> digits = stackalloc char[20];
            ((long)maxAge.TotalSeconds).TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
            size += "; max-age=".Length + written;
        }

        if (!string.IsNullOrEmpty(options.Domain))
        {
            size += "; domain=".Length + options.Domain.Length;
        }

        if (!string.IsNullOrEmpty(options.Path))
        {
            size += "; path=".Length + options.Path.Length;
        }

        if (options.Secure)
        {
            size += "; secure".Length;
        }

        size += options.SameSite switch
        {
            SameSiteMode.Strict => "; samesite=strict".Length,
            SameSiteMode.Lax => "; samesite=lax".Length,
            SameSiteMode.None => "; samesite=none".Length,
            _ => 0,
        };

        if (options.HttpOnly)
        {
            size += "; httponly".Length;
        }

        foreach (var extension in options.Extensions)
        {
            size += 2 + extension.Length;
        }

        return size;
    }
}
