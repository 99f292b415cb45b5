using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace CookieSession.Cookies;

/// <summary>
/// The <c>Set-Cookie</c> headers one commit appended to a response that has not started, so that they can be taken
/// out again: found by the identity of the first one, since other code may have appended or cleared headers since.
/// </summary>
internal readonly record struct AppendedHeaders(string? First, int Count)
{
    /// <summary>What was appended to <paramref name="response"/> since it had <paramref name="before"/> Set-Cookie headers.</summary>
    public static AppendedHeaders Since(HttpResponse response, int before)
    {
        var headers = response.Headers.SetCookie;
        return headers.Count > before ? new(headers[before], headers.Count - before) : default;
    }

    /// <summary>Takes these headers out of <paramref name="response"/>, if they are still there.</summary>
    public void RemoveFrom(HttpResponse response)
    {
        if (First is null)
        {
            return;
        }

        var headers = response.Headers.SetCookie;
        for (var i = 0; i < headers.Count; i++)
        {
            if (ReferenceEquals(headers[i], First))
            {
                var kept = new string?[headers.Count - Math.Min(Count, headers.Count - i)];
                var n = 0;
                for (var j = 0; j < headers.Count; j++)
                {
                    if (j < i || j >= i + Count)
                    {
                        kept[n++] = headers[j];
                    }
                }

                response.Headers.SetCookie = new StringValues(kept);
                return;
            }
        }
    }
}
