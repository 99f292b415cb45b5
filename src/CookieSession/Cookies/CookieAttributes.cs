using System.Buffers;

namespace CookieSession.Cookies;

/// <summary>
/// The values a <c>Set-Cookie</c> attribute may take. Every path that writes a cookie checks them, so that
/// no configured or per-response value can end an attribute early (<c>;</c>), split the header (control
/// characters) or make the server refuse the header (non-ASCII).
/// </summary>
internal static class CookieAttributes
{
    /// <summary>
    /// The longest <see cref="CookieSessionCookie.MaxAge"/> accepted: 400 days. Browsers keep no cookie longer
    /// (RFC 6265bis caps <c>Max-Age</c> and <c>Expires</c> there), so a longer one could only overflow.
    /// </summary>
    public static readonly TimeSpan MaxMaxAge = TimeSpan.FromDays(400);

    /// <summary>The longest attribute value: 1024 bytes, what RFC 6265bis lets browsers ignore beyond.</summary>
    private const int MaxAttributeLength = 1024;

    private static readonly SearchValues<char> s_domainChars = SearchValues.Create(
        ".-_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>RFC 6265 path-value: starts with <c>/</c>; printable ASCII without <c>;</c>.</summary>
    public static bool IsValidPath(string? path)
        => path is { Length: > 0 and <= MaxAttributeLength } && path[0] == '/' && IsAttributeText(path);

    /// <summary>A host name in ASCII (punycode for international names): letters, digits, <c>.</c>, <c>-</c>, <c>_</c>.</summary>
    public static bool IsValidDomain(string? domain)
        => domain is null || (domain.Length is > 0 and <= MaxAttributeLength && !domain.AsSpan().ContainsAnyExcept(s_domainChars));

    /// <summary>An extension attribute such as <c>priority=high</c>: printable ASCII without <c>;</c>.</summary>
    public static bool IsValidExtension(string? extension) => extension is { Length: > 0 and <= MaxAttributeLength } && IsAttributeText(extension);

    /// <summary>A lifetime a cookie can carry: more than zero, at most <see cref="MaxMaxAge"/>.</summary>
    public static bool IsValidMaxAge(TimeSpan? maxAge) => maxAge is not { } value || (value > TimeSpan.Zero && value <= MaxMaxAge);

    public static string PathRule => "must start with '/' and hold only printable ASCII characters other than ';', at most 1024";

    public static string DomainRule => "must be a host name of ASCII letters, digits, '.', '-' and '_' (punycode for international names), at most 1024";

    public static string ExtensionRule => "must be non-empty printable ASCII without ';', at most 1024 characters";

    public static string MaxAgeRule => "must be more than zero and at most 400 days, the longest any browser keeps a cookie";

    private static bool IsAttributeText(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or ';')
            {
                return false;
            }
        }

        return true;
    }
}
