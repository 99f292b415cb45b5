using Microsoft.AspNetCore.Http;

namespace CookieSession.Cookies;

/// <summary>
/// Cookie options shared by every write of one configuration and never changed after they are made, with their
/// <c>Set-Cookie</c> attribute text formatted once: a write then copies it instead of formatting it again.
/// </summary>
/// <remarks>
/// Whoever needs different options copies them (<c>new CookieOptions(fixed)</c>), as the writer does before handing
/// them to a cookie policy, or asks for them with another lifetime (<see cref="WithLifetime"/>), as the formats that
/// limit a cookie's lifetime do, so the text formatted here always matches the properties.
/// </remarks>
internal sealed class FixedCookieOptions : CookieOptions
{
    public FixedCookieOptions(CookieOptions options)
        : base(options)
    {
        AttributeText = SetCookieWriter.FormatAttributes(options);
        AttributesAreValid = SetCookieWriter.AreValidAttributes(options);
    }

    /// <summary>Whether the attributes passed the checks every write makes; checked once, as they never change.</summary>
    public bool AttributesAreValid { get; }

    /// <summary>The attributes as <see cref="SetCookieWriter.Format"/> writes them, from <c>; expires=</c> to the extensions.</summary>
    public string AttributeText { get; }

    /// <summary>
    /// The first other lifetime asked of these options, with its attribute text: kept by the options themselves, so
    /// that two shared options objects that look alike (over TLS and not, with no Secure) never evict each other. Set
    /// once, never replaced.
    /// </summary>
    private FixedCookieOptions? _withOtherLifetime;

    /// <summary>
    /// These options with <paramref name="lifetime"/> instead of their own. A lifetime the same on every write (a
    /// format's own, not counted from the session's times) is made once and its text formatted once; any other gets
    /// a fresh copy, so the kept one never changes.
    /// </summary>
    public CookieOptions WithLifetime(CookieLifetime lifetime)
    {
        if (lifetime == CookieLifetime.Of(this))
        {
            return this;
        }

        var kept = Volatile.Read(ref _withOtherLifetime);
        if (kept is not null && lifetime == CookieLifetime.Of(kept))
        {
            return kept;
        }

        var copy = new CookieOptions(this) { MaxAge = lifetime.MaxAge, Expires = lifetime.Expires };
        if (kept is not null)
        {
            return copy;
        }

        // The first lifetime asked is kept; should another thread keep one first, this write goes on with its copy.
        var made = new FixedCookieOptions(copy);
        return Interlocked.CompareExchange(ref _withOtherLifetime, made, null) is null ? made : copy;
    }
}
