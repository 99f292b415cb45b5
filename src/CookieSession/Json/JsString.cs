using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace CookieSession.Json;

/// <summary>
/// JSON string tokens read as JavaScript's <c>JSON.parse</c> reads them: every escape decoded, and a
/// <c>\uXXXX</c> that is half of a surrogate pair kept as that lone UTF-16 code unit.
/// </summary>
/// <remarks>
/// JavaScript strings are any sequence of UTF-16 code units, and <c>JSON.stringify</c> writes a lone surrogate
/// (a cut emoji, <c>s.slice(0, 1)</c>) as <c>\ud83d</c>. <see cref="Utf8JsonReader"/> accepts such a token when it
/// validates, but <see cref="Utf8JsonReader.GetString"/>, <see cref="Utf8JsonReader.CopyString(Span{char})"/>,
/// <see cref="Utf8JsonReader.ValueTextEquals(string)"/> and <see cref="JsonSerializer"/> refuse it. A .NET
/// <see cref="string"/> holds it as JavaScript does; this class gets it there. Input is a token the reader
/// accepted (UTF-8 already validated by the cookie formats), given as its bytes between the quotes.
/// </remarks>
internal static class JsString
{
    /// <summary>Escaped tokens up to this many bytes are decoded on the stack.</summary>
    private const int StackLimit = 256;

    /// <summary>The string of the current <see cref="JsonTokenType.String"/> or <see cref="JsonTokenType.PropertyName"/> token of a reader over a span.</summary>
    public static string GetString(ref readonly Utf8JsonReader reader) => Decode(reader.ValueSpan, reader.ValueIsEscaped);

    /// <summary>The string of a token's bytes between its quotes; <paramref name="escaped"/>: whether they hold a <c>\</c>.</summary>
    public static string Decode(ReadOnlySpan<byte> value, bool escaped)
    {
        if (!escaped)
        {
            return Encoding.UTF8.GetString(value);
        }

        // Every byte gives at most one UTF-16 code unit (a 4-byte sequence gives 2), every escape one.
        char[]? rented = null;
        Span<char> chars = value.Length <= StackLimit ? stackalloc char[StackLimit] : (rented = ArrayPool<char>.Shared.Rent(value.Length));
        try
        {
            return new string(chars[..Unescape(value, chars)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Whether a token's bytes between its quotes are the string <paramref name="text"/>, compared ordinally.</summary>
    public static bool Equals(ReadOnlySpan<byte> value, bool escaped, string text)
    {
        // A code unit is 1 to 3 bytes of UTF-8 (a pair is 4), or an escape of 2 to 6 bytes.
        if (text.Length > value.Length || (long)text.Length * 6 < value.Length)
        {
            return false;
        }

        char[]? rented = null;
        Span<char> chars = value.Length <= StackLimit ? stackalloc char[StackLimit] : (rented = ArrayPool<char>.Shared.Rent(value.Length));
        try
        {
            // Decoded UTF-8 never holds a lone surrogate, so a string with one only equals an escaped token.
            var length = escaped ? Unescape(value, chars) : Encoding.UTF8.GetChars(value, chars);
            return chars[..length].SequenceEqual(text);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The UTF-8 of <paramref name="text"/>; <see langword="false"/> when it holds a lone surrogate, which has no UTF-8
    /// (where <see cref="Encoding.UTF8"/> would silently write U+FFFD, and so match a key that really is U+FFFD).
    /// </summary>
    public static bool TryEncodeUtf8(string text, Span<byte> destination, out int written)
        => Utf8.FromUtf16(text, destination, out _, out written, replaceInvalidSequences: false) == OperationStatus.Done;

    /// <summary>Whether <paramref name="text"/> holds a surrogate that is not half of a pair: a string UTF-8 cannot carry.</summary>
    public static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        var i = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        while (i >= 0)
        {
            if (!char.IsHighSurrogate(text[i]) || i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
            {
                return true;
            }

            text = text[(i + 2)..];
            i = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        }

        return false;
    }

    /// <summary>Decodes escaped token bytes into <paramref name="destination"/>, at least as long as <paramref name="value"/>; returns the count written.</summary>
    private static int Unescape(ReadOnlySpan<byte> value, Span<char> destination)
    {
        var written = 0;
        while (true)
        {
            // A backslash is never part of a multi-byte UTF-8 sequence, so each plain run is whole UTF-8.
            var backslash = value.IndexOf((byte)'\\');
            var plain = backslash < 0 ? value : value[..backslash];
            if (!plain.IsEmpty)
            {
                written += Encoding.UTF8.GetChars(plain, destination[written..]);
            }

            if (backslash < 0)
            {
                return written;
            }

            value = value[(backslash + 1)..];
            switch (value[0])
            {
                case (byte)'"': destination[written++] = '"'; break;
                case (byte)'\\': destination[written++] = '\\'; break;
                case (byte)'/': destination[written++] = '/'; break;
                case (byte)'b': destination[written++] = '\b'; break;
                case (byte)'f': destination[written++] = '\f'; break;
                case (byte)'n': destination[written++] = '\n'; break;
                case (byte)'r': destination[written++] = '\r'; break;
                case (byte)'t': destination[written++] = '\t'; break;
                case (byte)'u':
                    // One UTF-16 code unit, whatever it is: a pair written as two escapes comes out as the pair.
                    destination[written++] = (char)((Hex(value[1]) << 12) | (Hex(value[2]) << 8) | (Hex(value[3]) << 4) | Hex(value[4]));
                    value = value[4..];
                    break;
                default:
                    throw new FormatException("Not an escape of a JSON string the reader accepted.");
            }

            value = value[1..];
        }
    }

    private static int Hex(byte digit) => digit switch
    {
        >= (byte)'0' and <= (byte)'9' => digit - '0',
        >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
        _ => throw new FormatException("Not a hexadecimal digit of a JSON \\u escape the reader accepted."),
    };
}
