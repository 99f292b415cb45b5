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
        // powers of two, where the gap to the next lower double is half the gap above: there .NET can give digits one
        // too few, which read back as another double (2^-25 as 2.980232238769531e-8, JavaScript 2.9802322387695312e-8).
        // Then the 17 correctly rounded digits are the shortest, as JavaScript finds.
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
        if ((BitConverter.DoubleToInt64Bits(value) & 0xF_FFFF_FFFF_FFFFL) == 0
            && double.Parse(text[..length], NumberStyles.Float, CultureInfo.InvariantCulture) != value)
        {
            value.TryFormat(text, out length, "G17", CultureInfo.InvariantCulture);
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

    private static void WriteAscii(ReadOnlySpan<char> text, ref PooledByteBuffer buffer)
    {
        var span = buffer.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        buffer.Advance(text.Length);
    }
}
