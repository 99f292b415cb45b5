using Microsoft.AspNetCore.Http;

namespace CookieSession.Cookies;

/// <summary>
/// Cookie options shared by every write of one configuration and never changed after they are made, with their
/// <c>Set-Cookie</c> attribute text formatted once: a write then copies it instead of formatting it again.
/// </summary>
/// <remarks>
/// Whoever needs different options copies them (<c>new CookieOptions(fixed)</c>), as the cookie policy and the
/// formats that limit a cookie's lifetime do, so the text formatted here always matches the properties.
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
}
