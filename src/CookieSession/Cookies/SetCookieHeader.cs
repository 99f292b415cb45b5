using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using SameSiteMode = Microsoft.AspNetCore.Http.SameSiteMode;

namespace CookieSession.Cookies;

/// <summary>
/// Appends a cookie whose value is given as UTF-8 bytes, refusing one that browsers would drop.
/// </summary>
/// <remarks>
/// <c>Response.Cookies.Append</c> takes a string, escapes it into a second string and formats the header
/// into a third: for a session cookie that is most of the request's allocations. When
/// <c>Response.Cookies</c> is ASP.NET Core's own (no cookie policy or other wrapper in the pipeline), this
/// writes the very same header in one string. Otherwise it goes through <c>Response.Cookies</c>, so that
/// the cookie policy sees and shapes the cookie.
/// </remarks>
internal static class SetCookieHeader
{
    private static readonly SearchValues<char> s_unreservedChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~");

    /// <exception cref="CookieSessionTooLargeException">The cookie would exceed <see cref="CookieSessionDefaults.MaxCookieSize"/>.</exception>
    public static void Append(HttpResponse response, string name, ReadOnlySpan<byte> value, CookieOptions options)
    {
        if (IsPlainResponseCookies(response.HttpContext) && !name.AsSpan().ContainsAnyExcept(s_unreservedChars))
        {
            // One pass: escape and format into a buffer large enough for any value, then check the size.
            var header = Format(name, value, name.Length + 1 + (3 * value.Length) + SetCookieSize.OfAttributes(options), options);
            if (header.Length > CookieSessionDefaults.MaxCookieSize)
            {
                throw new CookieSessionTooLargeException(name, header.Length, CookieSessionDefaults.MaxCookieSize);
            }

            response.Headers.Append(HeaderNames.SetCookie, header);
            return;
        }

        var size = SetCookieSize.Of(name, UriComponent.EscapedLength(value), options);
        if (size > CookieSessionDefaults.MaxCookieSize)
        {
            throw new CookieSessionTooLargeException(name, size, CookieSessionDefaults.MaxCookieSize);
        }

        response.Cookies.Append(name, Encoding.UTF8.GetString(value), options);
    }

    /// <summary>Whether <c>Response.Cookies</c> is ASP.NET Core's own, with nothing wrapped around it.</summary>
    public static bool IsPlainResponseCookies(HttpContext context)
        => context.Features.Get<IResponseCookiesFeature>() is not { } feature || feature.GetType() == typeof(ResponseCookiesFeature);

    /// <summary>
    /// The header <c>Response.Cookies.Append</c> writes: the value escaped as <see cref="Uri.EscapeDataString(string)"/>
    /// does, then the attributes in <see cref="SetCookieHeaderValue"/>'s order and spelling.
    /// <paramref name="capacity"/> is at least the header's length.
    /// </summary>
    public static string Format(string name, ReadOnlySpan<byte> value, int capacity, CookieOptions options)
    {
        var rented = ArrayPool<char>.Shared.Rent(capacity);
        try
        {
            var span = rented.AsSpan();
            var at = 0;
            Write(span, ref at, name);
            span[at++] = '=';
            foreach (var b in value)
            {
                if (UriComponent.IsUnreserved(b))
                {
                    span[at++] = (char)b;
                }
                else
                {
                    span[at++] = '%';
                    span[at++] = (char)HexConverter(b >> 4);
                    span[at++] = (char)HexConverter(b & 0xF);
                }
            }

            if (options.Expires is { } expires)
            {
                Write(span, ref at, "; expires=");
                expires.TryFormat(span[at..], out var written, "r", CultureInfo.InvariantCulture);
                at += written;
            }

            if (options.MaxAge is { } maxAge)
            {
                Write(span, ref at, "; max-age=");
                ((long)maxAge.TotalSeconds).TryFormat(span[at..], out var written, provider: CultureInfo.InvariantCulture);
                at += written;
            }

            if (!string.IsNullOrEmpty(options.Domain))
            {
                Write(span, ref at, "; domain=");
                Write(span, ref at, options.Domain);
            }

            if (!string.IsNullOrEmpty(options.Path))
            {
                Write(span, ref at, "; path=");
                Write(span, ref at, options.Path);
            }

            if (options.Secure)
            {
                Write(span, ref at, "; secure");
            }

            Write(span, ref at, options.SameSite switch
            {
                SameSiteMode.Strict => "; samesite=strict",
                SameSiteMode.Lax => "; samesite=lax",
                SameSiteMode.None => "; samesite=none",
                _ => string.Empty,
            });

            if (options.HttpOnly)
            {
                Write(span, ref at, "; httponly");
            }

            foreach (var extension in options.Extensions)
            {
                Write(span, ref at, "; ");
                Write(span, ref at, extension);
            }

            return new string(span[..at]);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static void Write(Span<char> span, ref int at, string text)
    {
        text.CopyTo(span[at..]);
        at += text.Length;
    }

    private static int HexConverter(int nibble) => nibble < 10 ? '0' + nibble : 'A' + nibble - 10;
}
