namespace CookieSession.Tests.Infrastructure;

/// <summary>What a browser keeps from the Set-Cookie headers of test-host responses, and sends back.</summary>
internal sealed class CookieJar
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Cookies => _cookies;

    /// <summary>The Cookie header to send, or null when the jar is empty.</summary>
    public string? Header => _cookies.Count == 0 ? null : string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}"));

    public void Keep(Transaction transaction)
    {
        foreach (var cookie in transaction.SetCookies)
        {
            var expired = cookie.Expires is { } expires && expires <= DateTimeOffset.UnixEpoch.AddDays(1) || cookie.MaxAge is { } maxAge && maxAge <= TimeSpan.Zero;
            if (expired)
            {
                _cookies.Remove(cookie.Name.Value!);
            }
            else
            {
                _cookies[cookie.Name.Value!] = cookie.Value.Value!;
            }
        }
    }

    public void Set(string name, string value) => _cookies[name] = value;

    public void Remove(string name) => _cookies.Remove(name);

    public async Task<Transaction> SendAsync(SessionTestHost host, string path = "/")
    {
        var transaction = await host.SendAsync(path, Header);
        Keep(transaction);
        return transaction;
    }
}
