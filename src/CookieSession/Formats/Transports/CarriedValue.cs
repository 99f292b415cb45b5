using System.Buffers;

namespace CookieSession.Formats.Transports;

/// <summary>
/// What a transport found in a request: nothing, a refusal, or the value as it travels (chunks joined, not decoded)
/// with its signature where the transport signs. <see cref="Dispose"/> gives back what joining chunks rented.
/// </summary>
internal readonly ref struct CarriedValue
{
    private readonly char[]? _rented;

    private CarriedValue(bool found, SessionCookieRejection rejection, ReadOnlySpan<char> value, ReadOnlySpan<char> signature, char[]? rented)
    {
        Found = found;
        Rejection = rejection;
        Value = value;
        Signature = signature;
        _rented = rented;
    }

    public static CarriedValue Missing => default;

    public bool Found { get; }

    public SessionCookieRejection Rejection { get; }

    public ReadOnlySpan<char> Value { get; }

    /// <summary>The signature cookie's value; empty for a transport that does not sign.</summary>
    public ReadOnlySpan<char> Signature { get; }

    public static CarriedValue Rejected(SessionCookieRejection rejection) => new(true, rejection, default, default, null);

    /// <summary>The value found; <paramref name="rented"/>, from <see cref="ArrayPool{T}.Shared"/>, holds it when chunks were joined.</summary>
    public static CarriedValue Of(ReadOnlySpan<char> value, ReadOnlySpan<char> signature = default, char[]? rented = null)
        => new(true, SessionCookieRejection.None, value, signature, rented);

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<char>.Shared.Return(_rented);
        }
    }
}
