namespace CookieSession.Formats.Transports;

/// <summary>A value as a request will carry it back after a write, with its signature where the transport signs.</summary>
/// <param name="Value">The value as its <c>Set-Cookie</c> header carries it; empty when it went in chunks or was withheld.</param>
/// <param name="Signature">The signature cookie's value, or empty.</param>
internal readonly record struct CarriedText(ReadOnlyMemory<char> Value, ReadOnlyMemory<char> Signature);
