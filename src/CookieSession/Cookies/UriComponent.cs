using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace CookieSession.Cookies;

/// <summary>
/// Percent-decoding with JavaScript's <c>decodeURIComponent</c> rules, straight to UTF-8 bytes (what the
/// signature covers), and the length <see cref="Uri.EscapeDataString(string)"/> gives a value (what
/// <c>Response.Cookies</c> writes).
/// </summary>
internal static class UriComponent
{
    /// <summary>The most bytes <see cref="TryDecode"/> may write for a value of this many characters.</summary>
    public static int MaxDecodedLength(int charCount) => Encoding.UTF8.GetMaxByteCount(charCount);

    /// <summary>
    /// Decodes <paramref name="value"/> into UTF-8 bytes. Fails, as <c>decodeURIComponent</c> throws, on a
    /// <c>%</c> not followed by two hex digits and on escapes that are not valid UTF-8.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> value, Span<byte> destination, out int written)
    {
        written = 0;
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c == '%')
            {
                if (i + 2 >= value.Length)
                {
                    return false;
                }

                var hi = HexValue(value[i + 1]);
                var lo = HexValue(value[i + 2]);
                if ((hi | lo) < 0)
                {
                    return false;
                }

                destination[written++] = (byte)((hi << 4) | lo);
                i += 3;
            }
            else if (c < 0x80)
            {
                // A run of plain ASCII up to the next escape, narrowed in one vectorized step.
                var run = value[i..];
                var end = run.IndexOfAny('%', '\x80');
                var ascii = end < 0 ? run : run[..end];
                var stop = ascii.IndexOfAnyExceptInRange('\0', '\x7f');
                if (stop >= 0)
                {
                    ascii = ascii[..stop];
                }

                Ascii.FromUtf16(ascii, destination[written..], out var count);
                written += count;
                i += count;
            }
            else
            {
                // Not produced by encodeURIComponent, but kept as the characters they are.
                var run = value[i..];
                var stop = run.IndexOfAnyInRange('\0', '\x7f');
                if (stop >= 0)
                {
                    run = run[..stop];
                }

                if (Utf8.FromUtf16(run, destination[written..], out var read, out var count, replaceInvalidSequences: false) != OperationStatus.Done)
                {
                    return false;
                }

                written += count;
                i += read;
            }
        }

        return Utf8.IsValid(destination[..written]);
    }

    /// <summary>The length of the value once escaped by <see cref="Uri.EscapeDataString(string)"/>.</summary>
    public static int EscapedLength(ReadOnlySpan<byte> utf8)
    {
        var length = utf8.Length;
        foreach (var b in utf8)
        {
            if (!IsUnreserved(b))
            {
                length += 2;
            }
        }

        return length;
    }

    /// <summary>Whether <see cref="Uri.EscapeDataString(string)"/> leaves this byte as it is: A-Z a-z 0-9 - . _ ~.</summary>
    public static bool IsUnreserved(byte b) => b < 128 && UnreservedTable[b] != 0;

    private static ReadOnlySpan<byte> UnreservedTable =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0,
    ];

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
