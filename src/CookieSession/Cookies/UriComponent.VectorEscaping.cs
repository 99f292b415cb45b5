using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CookieSession.Cookies;

/// <summary>Escaping sixteen bytes a step with SSSE3 or AVX-512, and the tables those steps look up.</summary>
internal static partial class UriComponent
{
    /// <summary>
    /// <see cref="EscapeBytes"/>, sixteen bytes a step: the bytes to escape found as a bitmask, the hex digits built by
    /// nibble shuffles, and the characters put in place by one compress (<paramref name="avx512"/>) or by a shuffle for
    /// each four bytes looked up by their four bits.
    /// </summary>
    private static int EscapeBlocks(ReadOnlySpan<byte> utf8, Span<char> destination, bool avx512)
    {
        var chars = MemoryMarshal.Cast<char, ushort>(destination);
        var nibble = Vector128.Create((byte)0x0F);
        var percent = Vector128.Create((byte)'%');
        var hexDigits = Vector128.Create("0123456789ABCDEF"u8);
        var at = 0;
        var i = 0;

        // Sixteen bytes write at most 48 characters, each four of them at most twelve.
        while (i <= utf8.Length - 16 && at <= chars.Length - 48)
        {
            var bytes = Vector128.Create(utf8.Slice(i, 16));
            var high = Vector128.ShiftRightLogical(bytes, 4);
            var low = bytes & nibble;
            var escaped = Vector128.Equals(Ssse3.Shuffle(UnreservedByHigh, high) & Ssse3.Shuffle(UnreservedByLow, low), Vector128<byte>.Zero);
            var mask = escaped.ExtractMostSignificantBits();
            i += 16;
            if (mask == 0)
            {
                Vector128.WidenLower(bytes).CopyTo(chars[at..]);
                Vector128.WidenUpper(bytes).CopyTo(chars[(at + 8)..]);
                at += 16;
                continue;
            }

            if (!avx512 && (mask & (mask - 1)) == 0)
            {
                // One byte of sixteen to escape, as base64's '+' and '/' come: the bytes after it move on by two in one
                // blend, and the escape is written over the two places that opens and its own.
                var k = BitOperations.TrailingZeroCount(mask);
                var placed = Vector128.ConditionalSelect(
                    Sse2.CompareGreaterThan(StepPlaces.AsSByte(), Vector128.Create((sbyte)k)).AsByte(),
                    Sse2.ShiftLeftLogical128BitLane(bytes, 2),
                    bytes);
                Vector128.WidenLower(placed).CopyTo(chars[at..]);
                Vector128.WidenUpper(placed).CopyTo(chars[(at + 8)..]);
                chars[at + 16] = utf8[i - 2];
                chars[at + 17] = utf8[i - 1];
                var escapedByte = utf8[i - 16 + k];
                chars[at + k] = '%';
                chars[at + k + 1] = (ushort)HexDigit(escapedByte >> 4);
                chars[at + k + 2] = (ushort)HexDigit(escapedByte & 0xF);
                at += 18;
                continue;
            }

            // Each byte as four: itself or '%', then its two hex digits and a zero, of which the shuffle takes one or three.
            var leads = Vector128.ConditionalSelect(escaped, percent, bytes);
            var his = Ssse3.Shuffle(hexDigits, high);
            var los = Ssse3.Shuffle(hexDigits, low);
            if (avx512)
            {
                EscapeSixteen(leads, his, los, escaped, chars, at);
                at += 16 + (2 * BitOperations.PopCount(mask));
                continue;
            }

            var leadsAndHis = Sse2.UnpackLow(leads, his).AsUInt16();
            var losAndZeros = Sse2.UnpackLow(los, Vector128<byte>.Zero).AsUInt16();
            EscapeFour(Sse2.UnpackLow(leadsAndHis, losAndZeros).AsByte(), mask & 0xF, chars, ref at);
            EscapeFour(Sse2.UnpackHigh(leadsAndHis, losAndZeros).AsByte(), (mask >> 4) & 0xF, chars, ref at);
            leadsAndHis = Sse2.UnpackHigh(leads, his).AsUInt16();
            losAndZeros = Sse2.UnpackHigh(los, Vector128<byte>.Zero).AsUInt16();
            EscapeFour(Sse2.UnpackLow(leadsAndHis, losAndZeros).AsByte(), (mask >> 8) & 0xF, chars, ref at);
            EscapeFour(Sse2.UnpackHigh(leadsAndHis, losAndZeros).AsByte(), mask >> 12, chars, ref at);
        }

        return at + EscapeBytes(utf8[i..], destination[at..]);
    }

    /// <summary>
    /// Writes the 48 characters of sixteen bytes given as their leads (themselves or '%'), their hex digits and whether
    /// each is escaped, of which the first 16 + 2 × (escapes) count: all three laid out byte by byte, the digits of
    /// bytes kept as they are compressed away.
    /// </summary>
    private static void EscapeSixteen(Vector128<byte> leads, Vector128<byte> his, Vector128<byte> los, Vector128<byte> escaped, Span<ushort> chars, int at)
    {
        var sources = Vector512.Create(Vector256.Create(leads, his), Vector256.Create(los, escaped));
        var laidOut = Avx512Vbmi.PermuteVar64x8(sources, EscapeLayout);
        var kept = Avx512Vbmi.PermuteVar64x8(sources, EscapeKeptLayout) | EscapeLeadPlaces;
        var packed = Avx512Vbmi2.Compress(Vector512<byte>.Zero, kept, laidOut);
        Vector512.WidenLower(packed).CopyTo(chars[at..]);
        Vector256.WidenLower(packed.GetUpper()).CopyTo(chars[(at + 32)..]);
    }

    /// <summary>Writes the twelve characters of four bytes laid out four by four, of which the first 4 + 2 × (escapes) count.</summary>
    private static void EscapeFour(Vector128<byte> four, uint escapes, Span<ushort> chars, ref int at)
    {
        var placed = Ssse3.Shuffle(four, EscapeShuffles[escapes]);
        Vector128.WidenLower(placed).CopyTo(chars[at..]);
        MemoryMarshal.Write(MemoryMarshal.AsBytes(chars[(at + 8)..]), Vector128.WidenUpper(placed).AsUInt64().ToScalar());
        at += 4 + (2 * BitOperations.PopCount(escapes));
    }

    /// <summary>Each place of a step: 0 to 15.</summary>
    private static readonly Vector128<byte> StepPlaces = Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

    /// <summary>Sixteen bytes' (lead, hex digit, hex digit) in a row, from leads, digits and digits sixteen by sixteen.</summary>
    private static readonly Vector512<byte> EscapeLayout = Vector512.Create<byte>(BuildLayout(i => (byte)i, i => (byte)(16 + i), i => (byte)(32 + i)));

    /// <summary>Whether each byte is escaped, three times in a row, from the fourth sixteen of <see cref="EscapeSixteen"/>'s sources.</summary>
    private static readonly Vector512<byte> EscapeKeptLayout = Vector512.Create<byte>(BuildLayout(i => (byte)(48 + i), i => (byte)(48 + i), i => (byte)(48 + i)));

    /// <summary>Every byte's lead is kept, escaped or not.</summary>
    private static readonly Vector512<byte> EscapeLeadPlaces = Vector512.Create<byte>(BuildLayout(_ => 0xFF, _ => 0, _ => 0));

    private static byte[] BuildLayout(Func<int, byte> lead, Func<int, byte> hi, Func<int, byte> lo)
    {
        var layout = new byte[64];
        for (var i = 0; i < 16; i++)
        {
            layout[3 * i] = lead(i);
            layout[(3 * i) + 1] = hi(i);
            layout[(3 * i) + 2] = lo(i);
        }

        return layout;
    }

    /// <summary>
    /// Unreserved bytes by their high nibble and by their low one, for a shuffle each: a byte is unreserved where the two
    /// share a bit. One bit for each high nibble whose unreserved low nibbles differ ('-' '.', digits, letters, 'P'-'Z' '_', 'p'-'z' '~').
    /// </summary>
    private static readonly Vector128<byte> UnreservedByHigh = Vector128.Create((byte)0, 0, 1, 2, 4, 8, 4, 16, 0, 0, 0, 0, 0, 0, 0, 0);

    private static readonly Vector128<byte> UnreservedByLow = Vector128.Create((byte)26, 30, 30, 30, 30, 30, 30, 30, 30, 30, 28, 4, 4, 5, 21, 12);

    /// <summary>
    /// For each four bits of bytes to escape, the shuffle that takes four bytes laid out as (itself or '%', hex digit,
    /// hex digit, zero) to their characters in a row: one of the four for a byte kept, three for a byte escaped.
    /// </summary>
    private static readonly Vector128<byte>[] EscapeShuffles = BuildEscapeShuffles();

    private static Vector128<byte>[] BuildEscapeShuffles()
    {
        var shuffles = new Vector128<byte>[16];
        Span<byte> indices = stackalloc byte[16];
        for (var escapes = 0; escapes < 16; escapes++)
        {
            indices.Fill(0x80);
            var at = 0;
            for (var k = 0; k < 4; k++)
            {
                indices[at++] = (byte)(4 * k);
                if ((escapes & (1 << k)) != 0)
                {
                    indices[at++] = (byte)((4 * k) + 1);
                    indices[at++] = (byte)((4 * k) + 2);
                }
            }

            shuffles[escapes] = Vector128.Create<byte>(indices);
        }

        return shuffles;
    }
}
