using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using System.Text.Unicode;

namespace CookieSession.Cookies;

/// <summary>
/// Percent-decoding with JavaScript's <c>decodeURIComponent</c> rules, straight to UTF-8 bytes (what the
/// signature covers), and the length <see cref="Uri.EscapeDataString(string)"/> gives a value (what
/// <c>Response.Cookies</c> writes). Both go sixteen characters or bytes a step with SSSE3, decoding thirty-two with
/// AVX-512, where the hardware has them (a session's JSON escapes every few bytes, too often for skipping runs between
/// escapes to pay), one at a time elsewhere, with the same results.
/// </summary>
internal static class UriComponent
{
    /// <summary>The most bytes <see cref="TryDecode(ReadOnlySpan{char}, Span{byte}, out int)"/> may write for a value of this many characters.</summary>
    public static int MaxDecodedLength(int charCount) => Encoding.UTF8.GetMaxByteCount(charCount);

    /// <summary>
    /// Decodes <paramref name="value"/> into UTF-8 bytes. Fails, as <c>decodeURIComponent</c> throws, on a
    /// <c>%</c> not followed by two hex digits and on escapes that are not valid UTF-8; and, without writing outside it,
    /// when <paramref name="destination"/> is shorter than the decoded value (<see cref="MaxDecodedLength"/> is always enough).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> value, Span<byte> destination, out int written)
        => TryDecode(value, destination, out written, Instructions.Avx512);

    /// <summary>
    /// <see cref="TryDecode(ReadOnlySpan{char}, Span{byte}, out int)"/>, with the widest of the instructions the hardware
    /// has and <paramref name="widest"/> allows: the same result whichever.
    /// </summary>
    internal static bool TryDecode(ReadOnlySpan<char> value, Span<byte> destination, out int written, Instructions widest)
    {
        written = 0;
        if (destination.Length < value.Length)
        {
            return TryDecodeChecked(value, destination, ref written, escapedBits: 0, plain: 0);
        }

        var i = 0;
        var at = 0;
        var escapedBits = 0;
        var instructions = widest < Supported ? widest : Supported;
        if (instructions == Instructions.Avx512 && !TryDecodeWideBlocks(value, destination, ref i, ref at, ref escapedBits))
        {
            return false;
        }

        if (instructions != Instructions.None && !TryDecodeBlocks(value, destination, ref i, ref at, ref escapedBits))
        {
            return false;
        }

        return TryDecodeUnchecked(value, destination, i, at, escapedBits, out written);
    }

    /// <summary>
    /// Decodes <paramref name="value"/> from <paramref name="i"/> on, writing from <paramref name="at"/> on, one character at
    /// a time without bounds checks: <paramref name="destination"/> holds at least as many bytes as <paramref name="value"/>
    /// has characters.
    /// </summary>
    private static bool TryDecodeUnchecked(ReadOnlySpan<char> value, Span<byte> destination, int i, int at, int escapedBits, out int written)
    {
        // The last characters of a vectorized decode, or all of them on hardware without the vector steps: a run of plain
        // ASCII that goes on past PlainRunToVectorize characters (a token, an id, a long text) is narrowed the rest of its
        // way in one step. ASCII never writes more bytes than it reads characters, so while the destination holds as many
        // bytes as the value has characters, the loop writes without checking; a character beyond ASCII goes the checked way.
        written = 0;
        ref var source = ref MemoryMarshal.GetReference(value);
        ref var target = ref MemoryMarshal.GetReference(destination);
        var length = value.Length;
        var plain = 0;
        while (i < length)
        {
            var c = Unsafe.Add(ref source, i);
            if (c == '%')
            {
                if (i + 2 >= length)
                {
                    return false;
                }

                var hi = HexValue(Unsafe.Add(ref source, i + 1));
                var lo = HexValue(Unsafe.Add(ref source, i + 2));
                if ((hi | lo) < 0)
                {
                    return false;
                }

                var b = (hi << 4) | lo;
                escapedBits |= b;
                Unsafe.Add(ref target, at++) = (byte)b;
                i += 3;
                plain = 0;
            }
            else if (c < 0x80)
            {
                Unsafe.Add(ref target, at++) = (byte)c;
                i++;
                if (++plain == PlainRunToVectorize)
                {
                    var copied = CopyPlainRun(value[i..], destination[at..]);
                    at += copied;
                    i += copied;
                    plain = 0;
                }
            }
            else
            {
                written = at;
                return TryDecodeChecked(value[i..], destination, ref written, escapedBits, plain);
            }
        }

        written = at;
        return escapedBits < 0x80 || Utf8.IsValid(destination[..written]);
    }

    /// <summary>
    /// Decodes <paramref name="value"/> sixteen characters a step from <paramref name="i"/> on, as far as it is ASCII and
    /// sixteen characters remain, moving <paramref name="i"/> and <paramref name="at"/> past what it decoded; false for a
    /// <c>%</c> not followed by two hex digits. <paramref name="destination"/> holds as many bytes as the value has characters.
    /// </summary>
    private static bool TryDecodeBlocks(ReadOnlySpan<char> value, Span<byte> destination, ref int i, ref int at, ref int escapedBits)
    {
        // A step finds the escapes' '%' as a bitmask, checks that the two characters after each are hex digits, puts each
        // escape's byte in place of its '%' and packs out the digits with a shuffle looked up by the bitmask of what stays.
        // An escape starting in the last two places of the step is left whole to the next.
        var chars = MemoryMarshal.Cast<char, ushort>(value);
        var percent = Vector128.Create((byte)'%');
        var nibble = Vector128.Create((byte)0x0F);
        var secondHalf = Vector128.Create(0UL, 0x0808080808080808UL).AsByte();
        var compact = CompactShuffles;
        while (i <= chars.Length - 16 && at <= destination.Length - 16)
        {
            var first = Vector128.Create(chars.Slice(i, 8));
            var second = Vector128.Create(chars.Slice(i + 8, 8));
            if (((first | second) & Vector128.Create((ushort)0xFF80)) != Vector128<ushort>.Zero)
            {
                // Beyond ASCII: the character-at-a-time loop takes it from here.
                return true;
            }

            var bytes = Sse2.PackUnsignedSaturate(first.AsInt16(), second.AsInt16());
            var percents = Vector128.Equals(bytes, percent);
            var starts = percents.ExtractMostSignificantBits();
            if (starts == 0)
            {
                // A run of plain ASCII this long (a base64 text, a token) is likely to go on: narrowed the rest of its way in one step.
                bytes.CopyTo(destination[at..]);
                at += 16;
                i += 16;
                var copied = CopyPlainRun(value[i..], destination[at..]);
                at += copied;
                i += copied;
                continue;
            }

            var consumed = (starts & 0xC000) == 0 ? 16 : BitOperations.TrailingZeroCount(starts & 0xC000);
            var step = (1u << consumed) - 1;
            starts &= step;
            var digits = (starts << 1) | (starts << 2);
            var high = Vector128.ShiftRightLogical(bytes, 4);
            var low = bytes & nibble;
            var hex = Ssse3.Shuffle(HexDigitsByHigh, high) & Ssse3.Shuffle(HexDigitsByLow, low);
            if ((digits & ~(~Vector128.Equals(hex, Vector128<byte>.Zero)).ExtractMostSignificantBits()) != 0)
            {
                return false;
            }

            var values = low + Ssse3.Shuffle(HexLetterOffsetByHigh, high);
            var decoded = Vector128.ShiftLeft(Sse2.ShiftRightLogical128BitLane(values, 1), 4) | Sse2.ShiftRightLogical128BitLane(values, 2);
            var merged = Vector128.ConditionalSelect(percents, decoded, bytes);
            escapedBits |= (merged.ExtractMostSignificantBits() & starts) == 0 ? 0 : 0x80;

            var kept = step & ~digits;
            var lowKept = kept & 0xFF;
            var highKept = kept >> 8;
            var packed = Ssse3.Shuffle(merged, Vector128.Create(compact[lowKept], compact[highKept]).AsByte() + secondHalf).AsUInt64();
            MemoryMarshal.Write(destination[at..], packed.ToScalar());
            at += BitOperations.PopCount(lowKept);
            MemoryMarshal.Write(destination[at..], packed.GetElement(1));
            at += BitOperations.PopCount(highKept);
            i += consumed;
        }

        return true;
    }

    /// <summary>
    /// <see cref="TryDecodeBlocks"/>, thirty-two characters a step with AVX-512: the places of the escapes' digits found by
    /// byte permutes, and the digits compressed away instead of shuffled out.
    /// </summary>
    private static bool TryDecodeWideBlocks(ReadOnlySpan<char> value, Span<byte> destination, ref int i, ref int at, ref int escapedBits)
    {
        var chars = MemoryMarshal.Cast<char, ushort>(value);
        var percent = Vector256.Create((byte)'%');
        var nibble = Vector256.Create((byte)0x0F);
        var hexByHigh = Vector256.Create(HexDigitsByHigh, HexDigitsByHigh);
        var hexByLow = Vector256.Create(HexDigitsByLow, HexDigitsByLow);
        var offsetByHigh = Vector256.Create(HexLetterOffsetByHigh, HexLetterOffsetByHigh);
        var next = NextPlaces;
        var afterNext = AfterNextPlaces;
        var previous = PreviousPlaces;
        var beforePrevious = BeforePreviousPlaces;
        while (i <= chars.Length - 32 && at <= destination.Length - 32)
        {
            var wide = Vector512.Create(chars.Slice(i, 32));
            if ((wide & Vector512.Create((ushort)0xFF80)) != Vector512<ushort>.Zero)
            {
                return true;
            }

            var bytes = Avx512BW.ConvertToVector256Byte(wide);
            var percents = Vector256.Equals(bytes, percent);
            var starts = percents.ExtractMostSignificantBits();
            if (starts == 0)
            {
                bytes.CopyTo(destination[at..]);
                at += 32;
                i += 32;
                var copied = CopyPlainRun(value[i..], destination[at..]);
                at += copied;
                i += copied;
                continue;
            }

            var consumed = (starts & 0xC000_0000) == 0 ? 32 : BitOperations.TrailingZeroCount(starts & 0xC000_0000);
            var step = (uint)((1UL << consumed) - 1);
            starts &= step;
            var digits = (starts << 1) | (starts << 2);
            var high = Vector256.ShiftRightLogical(bytes, 4);
            var low = bytes & nibble;
            var hex = Avx2.Shuffle(hexByHigh, high) & Avx2.Shuffle(hexByLow, low);
            if ((digits & ~(~Vector256.Equals(hex, Vector256<byte>.Zero)).ExtractMostSignificantBits()) != 0)
            {
                return false;
            }

            var values = low + Avx2.Shuffle(offsetByHigh, high);
            var decoded = Vector256.ShiftLeft(Avx512Vbmi.VL.PermuteVar32x8(values, next), 4) | Avx512Vbmi.VL.PermuteVar32x8(values, afterNext);
            var merged = Vector256.ConditionalSelect(percents, decoded, bytes);
            escapedBits |= (merged.ExtractMostSignificantBits() & starts) == 0 ? 0 : 0x80;

            // What follows the step's last escape (a '%' cut off at its end included) is compressed behind what counts.
            var isDigit = Avx512Vbmi.VL.PermuteVar32x8x2(percents, previous, Vector256<byte>.Zero)
                | Avx512Vbmi.VL.PermuteVar32x8x2(percents, beforePrevious, Vector256<byte>.Zero);
            Avx512Vbmi2.VL.Compress(Vector256<byte>.Zero, ~isDigit, merged).CopyTo(destination[at..]);
            at += BitOperations.PopCount(step & ~digits);
            i += consumed;
        }

        return true;
    }

    /// <summary>
    /// The rest of <see cref="TryDecode(ReadOnlySpan{char}, Span{byte}, out int)"/>, from <paramref name="value"/> on, each write checked: for characters beyond
    /// ASCII, which may write up to three bytes each. <paramref name="escapedBits"/> is the OR of the bytes escapes wrote so far.
    /// </summary>
    private static bool TryDecodeChecked(ReadOnlySpan<char> value, Span<byte> destination, ref int written, int escapedBits, int plain)
    {
        var i = 0;
        var ascii = escapedBits < 0x80;
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

                var b = (byte)((hi << 4) | lo);
                ascii &= b < 0x80;
                if ((uint)written >= (uint)destination.Length)
                {
                    return false;
                }

                destination[written++] = b;
                i += 3;
                plain = 0;
            }
            else if (c < 0x80)
            {
                // A destination shorter than the decoded value refuses it, as the characters beyond ASCII do below.
                if ((uint)written >= (uint)destination.Length)
                {
                    return false;
                }

                destination[written++] = (byte)c;
                i++;
                if (++plain == PlainRunToVectorize)
                {
                    var copied = CopyPlainRun(value[i..], destination[written..]);
                    written += copied;
                    i += copied;
                    plain = 0;
                }
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

                ascii = false;
                written += count;
                i += read;
                plain = 0;
            }
        }

        // Escapes must spell valid UTF-8 (decodeURIComponent throws otherwise); plain ASCII always is.
        return ascii || Utf8.IsValid(destination[..written]);
    }

    /// <summary>
    /// Narrows the run of plain ASCII (but <c>%</c>) that <paramref name="rest"/> starts with into
    /// <paramref name="destination"/>, as far as it has room, in one vectorized step; returns the characters copied.
    /// </summary>
    private static int CopyPlainRun(ReadOnlySpan<char> rest, Span<byte> destination)
    {
        var run = rest.IndexOfAnyExcept(PlainAscii);
        Ascii.FromUtf16(run < 0 ? rest : rest[..run], destination, out var copied);
        return copied;
    }

    /// <summary>
    /// Writes <paramref name="utf8"/> escaped as <see cref="Uri.EscapeDataString(string)"/> escapes it (upper-case
    /// hex digits) and returns the characters written. <paramref name="destination"/> must hold
    /// <c>3 * utf8.Length</c> characters.
    /// </summary>
    public static int Escape(ReadOnlySpan<byte> utf8, Span<char> destination) => Escape(utf8, destination, Instructions.Avx512);

    /// <summary>
    /// <see cref="Escape(ReadOnlySpan{byte}, Span{char})"/>, with the widest of the instructions the hardware has and
    /// <paramref name="widest"/> allows: the same result whichever.
    /// </summary>
    internal static int Escape(ReadOnlySpan<byte> utf8, Span<char> destination, Instructions widest)
    {
        // A value with nothing to escape (Protected's base64url), or the plain start of one, is copied as it is in one
        // vectorized step.
        var plain = utf8.IndexOfAnyExcept(Unreserved);
        Ascii.ToUtf16(plain < 0 ? utf8 : utf8[..plain], destination, out var at);
        if (plain < 0)
        {
            return at;
        }

        var instructions = widest < Supported ? widest : Supported;
        return at + (instructions == Instructions.None
            ? EscapeBytes(utf8[plain..], destination[at..])
            : EscapeBlocks(utf8[plain..], destination[at..], instructions == Instructions.Avx512));
    }

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

    /// <summary>Escapes <paramref name="utf8"/> one byte at a time.</summary>
    private static int EscapeBytes(ReadOnlySpan<byte> utf8, Span<char> destination)
    {
        // Branch-free: every byte writes four characters at once (itself, or "%XX", then a spare one that the
        // next byte overwrites) and moves on by one or three; a JSON alternates between the two too often for a
        // branch to be predicted. The last bytes, with no room left for the spare character, go one by one.
        var table = EscapeTable;
        var lengths = EscapeLengths;
        var bytes = MemoryMarshal.AsBytes(destination);
        var at = 0;
        var i = 0;
        var plain = 0;
        for (; i < utf8.Length && at + 4 <= destination.Length; i++)
        {
            var b = utf8[i];
            MemoryMarshal.Write(bytes[(2 * at)..], in table[b]);
            var length = lengths[b];
            at += length;

            // Counted without a branch (a length of 1 keeps the count going, 3 resets it): a run of bytes kept as they
            // are that goes on past PlainRunToVectorize (a token, an id, a long text) is widened the rest of its way in
            // one vectorized step.
            plain = (plain + 1) * ((3 - length) >> 1);
            if (plain == PlainRunToVectorize)
            {
                var rest = utf8[(i + 1)..];
                var run = rest.IndexOfAnyExcept(Unreserved);
                Ascii.ToUtf16(run < 0 ? rest : rest[..run], destination[at..], out var copied);
                at += copied;
                i += copied;
                plain = 0;
            }
        }

        for (; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (lengths[b] == 1)
            {
                destination[at++] = (char)b;
            }
            else
            {
                destination[at++] = '%';
                destination[at++] = (char)HexDigit(b >> 4);
                destination[at++] = (char)HexDigit(b & 0xF);
            }
        }

        return at;
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

    /// <summary>Plain characters in a row after which <see cref="TryDecode(ReadOnlySpan{char}, Span{byte}, out int)"/> and <see cref="Escape(ReadOnlySpan{byte}, Span{char})"/> look for the end of the run vectorized.</summary>
    private const int PlainRunToVectorize = 8;

    /// <summary>What <see cref="TryDecode(ReadOnlySpan{char}, Span{byte}, out int)"/> copies as it is: ASCII but <c>%</c>.</summary>
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(PlainAsciiChars());

    /// <summary>What <see cref="Escape(ReadOnlySpan{byte}, Span{char})"/> leaves as it is: A-Z a-z 0-9 - . _ ~.</summary>
    private static readonly SearchValues<byte> Unreserved = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"u8);

    /// <summary>
    /// The widest vector instructions this hardware has that the steps use; AVX-512 only where the runtime finds that
    /// 512-bit vectors pay (not on processors that slow their clock for them).
    /// </summary>
    private static readonly Instructions Supported =
        Vector512.IsHardwareAccelerated && Avx512Vbmi2.VL.IsSupported && Avx512Vbmi.VL.IsSupported && Avx512BW.IsSupported ? Instructions.Avx512
        : Ssse3.IsSupported ? Instructions.Ssse3
        : Instructions.None;

    /// <summary>For a byte permute of 32: each place takes the byte one after it (the last, itself).</summary>
    private static readonly Vector256<byte> NextPlaces = Vector256.Create<byte>(Places(k => Math.Min(k + 1, 31)));

    /// <summary>For a byte permute of 32: each place takes the byte two after it (the last two, the last).</summary>
    private static readonly Vector256<byte> AfterNextPlaces = Vector256.Create<byte>(Places(k => Math.Min(k + 2, 31)));

    /// <summary>For a byte permute of 32 and 32 zeros: each place takes the byte one before it (the first, a zero).</summary>
    private static readonly Vector256<byte> PreviousPlaces = Vector256.Create<byte>(Places(k => k >= 1 ? k - 1 : 32));

    /// <summary>For a byte permute of 32 and 32 zeros: each place takes the byte two before it (the first two, a zero).</summary>
    private static readonly Vector256<byte> BeforePreviousPlaces = Vector256.Create<byte>(Places(k => k >= 2 ? k - 2 : 32));

    private static byte[] Places(Func<int, int> from) => Enumerable.Range(0, 32).Select(k => (byte)from(k)).ToArray();

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

    /// <summary>Hex digits of ASCII by their high nibble and by their low one, for a shuffle each, as <see cref="UnreservedByHigh"/>: 0-9, A-F, a-f.</summary>
    private static readonly Vector128<byte> HexDigitsByHigh = Vector128.Create((byte)0, 0, 0, 1, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    private static readonly Vector128<byte> HexDigitsByLow = Vector128.Create((byte)1, 3, 3, 3, 3, 3, 3, 1, 1, 1, 0, 0, 0, 0, 0, 0);

    /// <summary>What a hex digit's value adds to its low nibble, by its high nibble: 9 for letters (A is 0x41).</summary>
    private static readonly Vector128<byte> HexLetterOffsetByHigh = Vector128.Create((byte)0, 0, 0, 0, 9, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>
    /// For each four bits of bytes to escape, the shuffle that takes four bytes laid out as (itself or '%', hex digit,
    /// hex digit, zero) to their characters in a row: one of the four for a byte kept, three for a byte escaped.
    /// </summary>
    private static readonly Vector128<byte>[] EscapeShuffles = BuildEscapeShuffles();

    /// <summary>For each eight bits of bytes to keep, the shuffle that packs those bytes of eight to the front, in order.</summary>
    private static readonly ulong[] CompactShuffles = BuildCompactShuffles();

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

    private static ulong[] BuildCompactShuffles()
    {
        var shuffles = new ulong[256];
        for (var kept = 0; kept < 256; kept++)
        {
            // Unused places shuffle in a zero (the high bit set), also once the second half's indices are moved up by 8.
            var shuffle = 0x8080808080808080UL;
            var at = 0;
            for (var k = 0; k < 8; k++)
            {
                if ((kept & (1 << k)) != 0)
                {
                    shuffle = (shuffle & ~(0xFFUL << (8 * at))) | ((ulong)k << (8 * at));
                    at++;
                }
            }

            shuffles[kept] = shuffle;
        }

        return shuffles;
    }

    /// <summary>For each byte, the four characters <see cref="Escape(ReadOnlySpan{byte}, Span{char})"/> writes for it, read as one <see cref="ulong"/>.</summary>
    private static readonly ulong[] EscapeTable = BuildEscapeTable();

    /// <summary>For each byte, how many of those characters count: 1, or 3 for an escape.</summary>
    private static readonly byte[] EscapeLengths = BuildEscapeLengths();

    private static ulong[] BuildEscapeTable()
    {
        var table = new ulong[256];
        Span<char> chars = stackalloc char[4];
        for (var b = 0; b < 256; b++)
        {
            chars.Clear();
            if (IsUnreserved((byte)b))
            {
                chars[0] = (char)b;
            }
            else
            {
                chars[0] = '%';
                chars[1] = (char)HexDigit(b >> 4);
                chars[2] = (char)HexDigit(b & 0xF);
            }

            table[b] = MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(chars));
        }

        return table;
    }

    private static string PlainAsciiChars()
    {
        var chars = new char[127];
        for (var c = 0; c < 128; c++)
        {
            if (c != '%')
            {
                chars[c < '%' ? c : c - 1] = (char)c;
            }
        }

        return new string(chars);
    }

    private static byte[] BuildEscapeLengths()
    {
        var lengths = new byte[256];
        for (var b = 0; b < 256; b++)
        {
            lengths[b] = (byte)(IsUnreserved((byte)b) ? 1 : 3);
        }

        return lengths;
    }

    private static int HexDigit(int nibble) => nibble < 10 ? '0' + nibble : 'A' + nibble - 10;

    /// <summary>The value of a hex digit, either case; -1 for any other character.</summary>
    private static int HexValue(char c) => c < (uint)HexValues.Length ? HexValues[c] : -1;

    private static ReadOnlySpan<sbyte> HexValues =>
    [
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,
        -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    ];

    /// <summary>Vector instructions decoding and escaping may use, narrowest first.</summary>
    internal enum Instructions
    {
        /// <summary>One character (decoding) or byte (escaping) at a time.</summary>
        None,

        /// <summary>Sixteen characters (decoding) or bytes (escaping) a step with SSSE3 shuffles.</summary>
        Ssse3,

        /// <summary>
        /// With AVX-512 VBMI byte permutes and VBMI2 compression: thirty-two characters a step decoding, sixteen bytes a step
        /// escaping.
        /// </summary>
        Avx512,
    }
}
