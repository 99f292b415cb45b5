using System.Buffers;

namespace CookieSession.Cookies;

/// <summary>RFC 6265 cookie names: an RFC 7230 token.</summary>
internal static class CookieNames
{
    /// <summary>A name browsers keep only from a Secure cookie with Path=/ and no Domain (RFC 6265bis).</summary>
    public const string HostPrefix = "__Host-";

    /// <summary>A name browsers keep only from a Secure cookie (RFC 6265bis).</summary>
    public const string SecurePrefix = "__Secure-";

    private static readonly SearchValues<char> s_tokenChars = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static bool IsValid(string? name) => !string.IsNullOrEmpty(name) && !name.AsSpan().ContainsAnyExcept(s_tokenChars);

    /// <summary>The prefix <paramref name="name"/> starts with, in any case, as browsers match it; or <see langword="null"/>.</summary>
    public static string? PrefixOf(string name)
        => name.StartsWith(HostPrefix, StringComparison.OrdinalIgnoreCase) ? HostPrefix
            : name.StartsWith(SecurePrefix, StringComparison.OrdinalIgnoreCase) ? SecurePrefix
            : null;
}
