using System.Buffers;

namespace CookieSession.Cookies;

/// <summary>RFC 6265 cookie names: an RFC 7230 token.</summary>
internal static class CookieNames
{
    private static readonly SearchValues<char> s_tokenChars = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static bool IsValid(string? name) => !string.IsNullOrEmpty(name) && !name.AsSpan().ContainsAnyExcept(s_tokenChars);
}
