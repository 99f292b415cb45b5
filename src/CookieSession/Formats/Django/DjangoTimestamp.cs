namespace CookieSession.Formats.Django;

/// <summary>
/// <c>TimestampSigner</c>'s timestamp: whole Unix seconds in base 62, digits then upper then lower case letters.
/// </summary>
internal static class DjangoTimestamp
{
    /// <summary>The base-62 digits in Django's order; part of the wire format, never change it.</summary>
    private static ReadOnlySpan<byte> Digits => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8;

    /// <summary>Enough digits for any time a cookie can carry: 62^11 exceeds <see cref="long.MaxValue"/>.</summary>
    public const int MaxLength = 11;

    /// <summary>Appends <paramref name="seconds"/> (not negative) in base 62, returning the digits written.</summary>
    public static int Write(long seconds, Span<byte> destination)
    {
        Span<byte> digits = stackalloc byte[MaxLength];
        var start = MaxLength;
        do
        {
            digits[--start] = Digits[(int)(seconds % 62)];
            seconds /= 62;
        }
        while (seconds > 0);

        digits[start..].CopyTo(destination);
        return MaxLength - start;
    }

    /// <summary>Reads base-62 seconds; false for an empty text, a character outside the digits, or an overflow.</summary>
    public static bool TryRead(ReadOnlySpan<byte> text, out long seconds)
    {
        seconds = 0;
        if (text.IsEmpty || text.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in text)
        {
            var digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'A' and <= (byte)'Z' => c - 'A' + 10,
                >= (byte)'a' and <= (byte)'z' => c - 'a' + 36,
                _ => -1,
            };
            if (digit < 0 || seconds > (long.MaxValue - digit) / 62)
            {
                return false;
            }

            seconds = (seconds * 62) + digit;
        }

        return true;
    }
}
