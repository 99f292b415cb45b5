using System.Buffers.Text;
using System.Globalization;

namespace CookieSession.Json;

/// <summary>
/// Numbers as JavaScript's <c>Number.prototype.toString</c> (and so <c>JSON.stringify</c>) writes them:
/// the shortest digits that round-trip, plain notation from 1e-6 up to 1e21, otherwise
/// <c>1e+21</c> / <c>1e-7</c> style; <c>-0</c> as <c>0</c>; NaN and infinities as <c>null</c>.
/// </summary>
internal static class JsNumber
{
    public static void Write(double value, ref PooledByteBuffer buffer)
    {
        if (!double.IsFinite(value))
        {
            buffer.Write("null"u8);
            return;
        }

        if (value == 0)
        {
            buffer.WriteByte((byte)'0');
            return;
        }

        if (Math.Abs(value) < 9007199254740992d && value == Math.Floor(value))
        {
            Write((long)value, ref buffer);
            return;
        }

        // .NET writes the shortest round-trippable digits; only the notation differs from JavaScript. Except at exact
        // powers of two, where the gap to the next lower double is half the gap above and .NET's Dragon4 takes the two
        // as equal: there it can pick digits that read back as another double (2^-25 as 2.980232238769531e-8, where
        // JavaScript writes 2.9802322387695312e-8). Then the shortest digits that do read back are searched for.
        Span<char> text = stackalloc char[40];
        value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
        if ((BitConverter.DoubleToInt64Bits(value) & 0xF_FFFF_FFFF_FFFFL) == 0 && !ReadsBack(text[..length], value))
        {
            length = ShortestReadingBack(value, text);
        }

        text = text[..length];

        var negative = text[0] == '-';
        if (negative)
        {
            text = text[1..];
        }

        var exponent = 0;
        var e = text.IndexOfAny('E', 'e');
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        // Collect the significant digits, and n: the position of the decimal point relative to them.
        Span<char> digits = stackalloc char[32];
        var k = 0;
        var point = text.IndexOf('.');
        var integerDigits = point < 0 ? text.Length : point;
        foreach (var c in text)
        {
            if (c != '.')
            {
                digits[k++] = c;
            }
        }

        var leadingZeros = 0;
        while (leadingZeros < k - 1 && digits[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        var trimmed = digits[leadingZeros..k].TrimEnd('0');
        k = trimmed.Length;
        var n = integerDigits - leadingZeros + exponent;

        if (negative)
        {
            buffer.WriteByte((byte)'-');
        }

        if (k <= n && n <= 21)
        {
            WriteAscii(trimmed, ref buffer);
            for (var i = k; i < n; i++)
            {
                buffer.WriteByte((byte)'0');
            }
        }
        else if (0 < n && n <= 21)
        {
            WriteAscii(trimmed[..n], ref buffer);
            buffer.WriteByte((byte)'.');
            WriteAscii(trimmed[n..], ref buffer);
        }
        else if (-6 < n && n <= 0)
        {
            buffer.Write("0."u8);
            for (var i = 0; i < -n; i++)
            {
                buffer.WriteByte((byte)'0');
            }

            WriteAscii(trimmed, ref buffer);
        }
        else
        {
            WriteAscii(trimmed[..1], ref buffer);
            if (k > 1)
            {
                buffer.WriteByte((byte)'.');
                WriteAscii(trimmed[1..], ref buffer);
            }

            buffer.WriteByte((byte)'e');
            buffer.WriteByte(n - 1 < 0 ? (byte)'-' : (byte)'+');
            Write(Math.Abs(n - 1), ref buffer);
        }
    }

    public static void Write(long value, ref PooledByteBuffer buffer)
    {
        Utf8Formatter.TryFormat(value, buffer.GetSpan(20), out var written);
        buffer.Advance(written);
    }

    public static void Write(ulong value, ref PooledByteBuffer buffer)
    {
        Utf8Formatter.TryFormat(value, buffer.GetSpan(20), out var written);
        buffer.Advance(written);
    }

    private static void WriteAscii(scoped ReadOnlySpan<char> text, ref PooledByteBuffer buffer)
    {
        var span = buffer.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        buffer.Advance(text.Length);
    }

    private static bool ReadsBack(ReadOnlySpan<char> text, double value)
        => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) == value;

    /// <summary>
    /// The fewest significant digits that read back as <paramref name="value"/>, the closest such when several do, as
    /// JavaScript's Number::toString chooses: for each length, the correctly rounded digits, else their neighbour above
    /// or below in the last place (one of which reads back when the rounded ones fall outside the narrower lower half).
    /// </summary>
    private static int ShortestReadingBack(double value, Span<char> text)
    {
        Span<char> format = stackalloc char[4];
        Span<char> candidate = stackalloc char[40];
        for (var digits = 1; digits <= 17; digits++)
        {
            format[0] = 'E';
            (digits - 1).TryFormat(format[1..], out var formatLength, provider: CultureInfo.InvariantCulture);
            value.TryFormat(candidate, out var length, format[..(1 + formatLength)], CultureInfo.InvariantCulture);
            if (ReadsBack(candidate[..length], value))
            {
                candidate[..length].CopyTo(text);
                return length;
            }

            foreach (var step in (ReadOnlySpan<int>)[1, -1])
            {
                var neighbour = Neighbour(candidate[..length], step, text);
                if (neighbour > 0 && ReadsBack(text[..neighbour], value))
                {
                    return neighbour;
                }
            }
        }

        // Seventeen correctly rounded digits always read back.
        value.TryFormat(text, out var fallback, "E16", CultureInfo.InvariantCulture);
        return fallback;
    }

    /// <summary>Writes into <paramref name="destination"/> the number <paramref name="step"/> units in the last place from <paramref name="scientific"/> ("-d.dddE+xxx").</summary>
    private static int Neighbour(ReadOnlySpan<char> scientific, int step, Span<char> destination)
    {
        var negative = scientific[0] == '-';
        var body = negative ? scientific[1..] : scientific;
        var e = body.IndexOf('E');
        var exponent = int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        Span<char> digits = stackalloc char[20];
        var count = 0;
        foreach (var c in body[..e])
        {
            if (c != '.')
            {
                digits[count++] = c;
            }
        }

        var mantissa = long.Parse(digits[..count], NumberStyles.None, CultureInfo.InvariantCulture) + (negative ? -step : step);
        if (mantissa <= 0)
        {
            return 0;
        }

        // A carry (9.99 + 1 = 10.00) or a borrow (1.00 - 1 = 0.99) moves the exponent; the digits keep their count.
        var text = mantissa.ToString(CultureInfo.InvariantCulture);
        exponent += text.Length - count;
        text = text.Length > 1 ? text.TrimEnd('0') : text;
        var at = 0;
        if (negative)
        {
            destination[at++] = '-';
        }

        destination[at++] = text[0];
        if (text.Length > 1)
        {
            destination[at++] = '.';
            text.AsSpan(1).CopyTo(destination[at..]);
            at += text.Length - 1;
        }

        destination[at++] = 'E';
        exponent.TryFormat(destination[at..], out var written, provider: CultureInfo.InvariantCulture);
        return at + written;
    }
}
