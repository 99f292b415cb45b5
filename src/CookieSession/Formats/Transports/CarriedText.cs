namespace CookieSession.Formats.Transports;

/// <summary>A value as a request will carry it back after a write, with its signature where the transport signs.</summary>
/// <param name="Value">The value as its <c>Set-Cookie</c> header carries it; empty when it went in chunks or was withheld.</param>
/// <param name="Signature">The signature cookie's value, or empty.</param>
/// <param name="Withheld">A cookie policy withheld the cookie for lack of consent: the browser keeps the one it has.</param>
internal readonly record struct CarriedText(ReadOnlyMemory<char> Value, ReadOnlyMemory<char> Signature, bool Withheld = false)
{
    /// <summary>What a transport returns for a cookie the cookie policy withheld.</summary>
    public static CarriedText WithheldCookie => new(default, default, Withheld: true);
}
