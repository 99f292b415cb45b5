namespace CookieSession.Demo.Inspection;

/// <summary>What the session cookie of one request is made of: its cookies as sent, and its value taken apart.</summary>
internal sealed class CookieInspection
{
    /// <summary>The browser's limit for one cookie, <c>name=value</c> and attributes: 4096 bytes.</summary>
    public const int CookieLimit = CookieSessionDefaults.MaxCookieSize;

    public required CookieSessionFormat Format { get; init; }

    /// <summary>The name the session's cookie has under this format's configuration.</summary>
    public required string CookieName { get; init; }

    /// <summary>The session's cookies the request brought, in their order: the cookie, its chunks, its signature.</summary>
    public required IReadOnlyList<SentCookie> Cookies { get; init; }

    /// <summary>How many chunks carry the value; 0 when it is one cookie.</summary>
    public required int Chunks { get; init; }

    /// <summary>The value taken apart, part by part, as the format defines it.</summary>
    public required IReadOnlyList<CookiePart> Parts { get; init; }

    /// <summary>The cookie that <see cref="CookieTamperer"/> changes: the one carrying the payload.</summary>
    public SentCookie? Payload { get; init; }

    /// <summary>What the other cookies of the request are called (never their values: they are not the session).</summary>
    public required IReadOnlyList<string> OtherCookieNames { get; init; }

    public bool IsPresent => Cookies.Count > 0;

    /// <summary>Every <c>name=value</c> of the session together, as the browser sends them.</summary>
    public int TotalSize => Cookies.Sum(c => c.Size);

    /// <summary>The largest single cookie: the one closest to the browser's limit.</summary>
    public int LargestSize => Cookies.Count == 0 ? 0 : Cookies.Max(c => c.Size);
}

/// <summary>One named part of a cookie's value.</summary>
/// <param name="Label">What the part is called in the format.</param>
/// <param name="Value">The part as text (decoded where <paramref name="Kind"/> says so).</param>
/// <param name="Description">What it is for.</param>
/// <param name="Kind">How to show it.</param>
internal sealed record CookiePart(string Label, string Value, string Description, CookiePartKind Kind = CookiePartKind.Text);

internal enum CookiePartKind
{
    /// <summary>Text as it is in the cookie.</summary>
    Text,

    /// <summary>JSON, decoded from the cookie and indented for reading.</summary>
    Json,

    /// <summary>Bytes nobody can read without a key: shown as they travel.</summary>
    Opaque,
}
