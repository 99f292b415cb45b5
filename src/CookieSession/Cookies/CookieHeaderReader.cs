using Microsoft.Extensions.Primitives;

namespace CookieSession.Cookies;

/// <summary>
/// Finds one cookie in the request's <c>Cookie</c> headers the way Node's <c>cookie</c> package parses them:
/// pairs split on <c>;</c>, names and values trimmed of spaces and tabs, a value wrapped in double quotes
/// unwrapped, and the first pair with the name wins (proven against cookie@0.7.2, cookie-parser's, by the
/// differential tests). Only the wanted cookie is looked at, so a malformed cookie of
/// another application on the same host cannot hide the session, and no dictionary of every cookie is built.
/// </summary>
internal static class CookieHeaderReader
{
    public static bool TryGetValue(StringValues headers, string name, out ReadOnlySpan<char> value)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (TryGetValue(headers[i], name, out value))
            {
                return true;
            }
        }

        value = default;
        return false;
    }

    public static bool TryGetValue(string? header, string name, out ReadOnlySpan<char> value)
    {
        var rest = header.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf(';');
            var pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 1)..];

            var eq = pair.IndexOf('=');
            if (eq < 0 || !Trim(pair[..eq]).SequenceEqual(name))
            {
                continue;
            }

            var found = Trim(pair[(eq + 1)..]);
            if (found.Length > 0 && found[0] == '"' && found[^1] == '"')
            {
                // As the cookie package that cookie-parser and Express use (0.7) does: a value wrapped in double quotes
                // loses them (a lone '"' is both ends: empty); a value that only starts with one keeps it.
                found = found.Length >= 2 ? found[1..^1] : default;
            }

            value = found;
            return true;
        }

        value = default;
        return false;
    }

    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> span) => span.Trim(" \t");
}
