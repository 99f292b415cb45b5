using System.Text;
using Microsoft.Extensions.Primitives;

namespace CookieSession.Demo.Inspection;

/// <summary>A cookie as the browser sent it: its name and its value exactly as they travelled, undecoded.</summary>
internal sealed record SentCookie(string Name, string Value)
{
    /// <summary>The bytes of <c>name=value</c>: what counts against the browser's 4096 bytes a cookie.</summary>
    public int Size => Encoding.UTF8.GetByteCount(Name) + 1 + Encoding.UTF8.GetByteCount(Value);

    /// <summary>
    /// Every cookie of the request's <c>Cookie</c> headers, the first of each name, as the library reads them: pairs
    /// split on <c>;</c>, trimmed of spaces and tabs. Values are not percent-decoded.
    /// </summary>
    public static IReadOnlyList<SentCookie> AllOf(StringValues headers)
    {
        var cookies = new List<SentCookie>();
        foreach (var header in headers)
        {
            foreach (var pair in (header ?? string.Empty).Split(';'))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0)
                {
                    continue;
                }

                var name = pair[..eq].Trim(' ', '\t');
                if (name.Length > 0 && !cookies.Exists(c => c.Name == name))
                {
                    cookies.Add(new SentCookie(name, pair[(eq + 1)..].Trim(' ', '\t')));
                }
            }
        }

        return cookies;
    }
}
