namespace CookieSession;

/// <summary>
/// Secrets for signed cookies in general (Express's <c>cookieParser(secret)</c>): they sign and verify the
/// cookies of <see cref="SignedCookieHttpExtensions"/>, and sign the session when
/// <see cref="CookieSessionOptions"/> has no secret of its own.
/// </summary>
public sealed class SignedCookieOptions
{
    /// <summary>The secret that signs. Default: none. When both are set, it signs and every secret verifies.</summary>
    public string? Secret { get; set; }

    /// <summary>Secrets for key rotation: the first signs, every one verifies. Default: empty.</summary>
    public IList<string> Secrets { get; set; } = new List<string>();
}
