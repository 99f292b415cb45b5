namespace CookieSession.Options;

/// <summary>The secrets in force: <see cref="CookieSessionOptions.Secret"/> first, then <see cref="CookieSessionOptions.Secrets"/>.</summary>
internal static class CookieSessionSecrets
{
    public static IReadOnlyList<string> Of(string? secret, IList<string>? secrets)
    {
        var all = new List<string>();
        if (secret is not null)
        {
            all.Add(secret);
        }

        if (secrets is not null)
        {
            foreach (var s in secrets)
            {
                if (!all.Contains(s))
                {
                    all.Add(s);
                }
            }
        }

        return all;
    }
}
