using System.Text;

namespace CookieSession.Formats.Python;

/// <summary>
/// JSON as Python's <c>json.dumps</c> writes it by default (<c>ensure_ascii</c>: every character from DEL on as a
/// lower-case <c>\uXXXX</c> escape, surrogate pairs beyond the BMP), and as <c>JSON.stringify</c> writes it (those
/// characters as they are, in UTF-8; lone surrogates escaped), which is how the session holds its JSON. The two differ
/// in those escapes alone: structure, numbers and every other escape are written alike.
/// </summary>
internal static class PythonJson
{
    /// <summary>The most bytes <see cref="ToAscii"/> writes for <paramref name="json"/>.</summary>
    public static int MaxAsciiLength(ReadOnlySpan<byte> json)
        => json.IndexOfAnyExceptInRange((byte)0, (byte)0x7E) < 0 ? json.Length : json.Length * 6; // DEL grows the most: 1 byte to 6

    /// <summary>
    /// Writes <paramref name="json"/> (UTF-8) as Python's <c>ensure_ascii</c> does. Only strings hold characters past
    /// <c>~</c>, so no state is needed.
    /// </summary>
    public static int ToAscii(ReadOnlySpan<byte> json, Span<byte> destination)
    {
        var written = 0;
        Span<char> utf16 = stackalloc char[2];
        while (!json.IsEmpty)
        {
            var run = json.IndexOfAnyExceptInRange((byte)0, (byte)0x7E);
            if (run < 0)
            {
                run = json.Length;
            }

            json[..run].CopyTo(destination[written..]);
            written += run;
            json = json[run..];
            if (json.IsEmpty)
            {
                break;
            }

            Rune.DecodeFromUtf8(json, out var rune, out var consumed);
            json = json[consumed..];
            var units = rune.EncodeToUtf16(utf16);
            for (var i = 0; i < units; i++)
            {
                written += WriteEscape(utf16[i], destination[written..]);
            }
        }

        return written;
    }

    /// <summary>
    /// Rewrites, in place, the escapes <c>ensure_ascii</c> adds as the characters they stand for, in UTF-8: what
    /// <c>JSON.stringify</c> would have written. Each escape is at least as long as its UTF-8, so the JSON only shrinks;
    /// lone surrogates and the escapes of control characters stay as they are. Returns the new length.
    /// </summary>
    public static int ToJavaScriptForm(Span<byte> json)
    {
        var read = json.IndexOf((byte)'\\');
        if (read < 0)
        {
            return json.Length;
        }

        var written = read;
        while (read < json.Length)
        {
            var b = json[read];
            if (b != '\\' || read + 1 >= json.Length)
            {
                json[written++] = b;
                read++;
                continue;
            }

            if (json[read + 1] != 'u' || !TryReadHex(json[(read + 2)..], out var unit) || unit < 0x7F)
            {
                // Another escape, or one kept as JSON.stringify writes it: both bytes copied, so "\\u00e9" stays text.
                json[written++] = b;
                json[written++] = json[read + 1];
                read += 2;
                continue;
            }

            var length = 6;
            var rune = default(Rune);
            if (char.IsHighSurrogate((char)unit))
            {
                if (read + 12 > json.Length || json[read + 6] != '\\' || json[read + 7] != 'u'
                    || !TryReadHex(json[(read + 8)..], out var low) || !char.IsLowSurrogate((char)low))
                {
                    CopyEscape(json, ref read, ref written);
                    continue;
                }

                rune = new Rune((char)unit, (char)low);
                length = 12;
            }
            else if (!Rune.TryCreate((char)unit, out rune))
            {
                // A lone low surrogate: JSON.stringify escapes it too.
                CopyEscape(json, ref read, ref written);
                continue;
            }

            read += length;
            written += rune.EncodeToUtf8(json[written..]);
        }

        return written;
    }

    private static void CopyEscape(Span<byte> json, ref int read, ref int written)
    {
        json.Slice(read, 6).CopyTo(json[written..]);
        read += 6;
        written += 6;
    }

    private static bool TryReadHex(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text.Length < 4)
        {
            return false;
        }

        for (var i = 0; i < 4; i++)
        {
            var c = text[i];
            var digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    private static int WriteEscape(char c, Span<byte> destination)
    {
        destination[0] = (byte)'\\';
        destination[1] = (byte)'u';
        destination[2] = Hex(c >> 12);
        destination[3] = Hex((c >> 8) & 0xF);
        destination[4] = Hex((c >> 4) & 0xF);
        destination[5] = Hex(c & 0xF);
        return 6;
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
