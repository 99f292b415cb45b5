using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CookieSession.Cookies;

/// <summary>Decoding sixteen characters a step with SSSE3 and thirty-two with AVX-512, and the tables those steps look up.</summary>
internal static partial class UriComponent
{
    /// <summary>
    /// Decodes <paramref name="value"/> sixteen characters a step from <paramref name="index"/> on, as far as it is ASCII and
    /// sixteen characters remain, moving <paramref name="index"/> and <paramref name="written"/> past what it decoded (and
    /// adding the bits of the bytes escapes wrote to <paramref name="escapes"/>); false for a
    /// <c>%</c> not followed by two hex digits. <paramref name="destination"/> holds as many bytes as the value has characters.
    /// </summary>
    private static bool TryDecodeBlocks(ReadOnlySpan<char> value, Span<byte> destination, ref int index, ref int written, ref int escapes)
    {
        // Worked on in locals and written back once: through the references, each step would wait on the last one's stores.
        var i = index;
        var at = written;
        var escapedBits = escapes;
        var valid = true;
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
                break;
            }

            var bytes = Sse2.PackUnsignedSaturate(first.AsInt16(), second.AsInt16());
            var percents = Vector128.Equals(bytes, percent);
            var starts = percents.ExtractMostSignificantBits();
            if (starts == 0)
            {
                // A run of plain ASCII this long (a base64 text, a token) may go on: the blocks after it that are plain too
                // are narrowed in a loop of their own. Not by a search for the run's end: Rails' base64 escapes a '+', '/'
                // or '=' every few dozen characters, and a search started for each run cost more than the run.
                bytes.CopyTo(destination[at..]);
                (i, at) = CopyPlainBlocks(chars, destination, i + 16, at + 16);
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
                valid = false;
                break;
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

        index = i;
        written = at;
        escapes = escapedBits;
        return valid;
    }

    /// <summary>
    /// Narrows the plain ASCII (no <c>%</c>) from <paramref name="i"/> on, sixteen characters a step while sixteen
    /// characters and bytes of room remain, up to the block where the run ends and within it up to the <c>%</c> or the
    /// character beyond ASCII that ends it: where the next character and byte are.
    /// </summary>
    private static (int Index, int Written) CopyPlainBlocks(ReadOnlySpan<ushort> chars, Span<byte> destination, int i, int at)
    {
        // Unchecked loads and stores: the loop stops sixteen short of either end. The block where the run ends is stored
        // whole; what follows the run in it is written again by the next step.
        ref var source = ref MemoryMarshal.GetReference(chars);
        ref var target = ref MemoryMarshal.GetReference(destination);
        var percent = Vector128.Create((byte)'%');
        var beyondAscii = Vector128.Create((ushort)0x7F);
        var last = Math.Min(chars.Length - 16, i + (destination.Length - at) - 16);
        while (i <= last)
        {
            var first = Vector128.LoadUnsafe(ref source, (nuint)i);
            var second = Vector128.LoadUnsafe(ref source, (nuint)i + 8);
            var bytes = Sse2.PackUnsignedSaturate(first.AsInt16(), second.AsInt16());
            bytes.StoreUnsafe(ref target, (nuint)at);
            var stops = (Vector128.Equals(bytes, percent) | Sse2.PackSignedSaturate(
                Vector128.GreaterThan(first, beyondAscii).AsInt16(), Vector128.GreaterThan(second, beyondAscii).AsInt16()).AsByte())
                .ExtractMostSignificantBits();
            if (stops != 0)
            {
                var run = BitOperations.TrailingZeroCount(stops);
                return (i + run, at + run);
            }

            at += 16;
            i += 16;
        }

        return (i, at);
    }

    /// <summary>
    /// <see cref="TryDecodeBlocks"/>, thirty-two characters a step with AVX-512: the places of the escapes' digits found by
    /// byte permutes, and the digits compressed away instead of shuffled out.
    /// </summary>
    private static bool TryDecodeWideBlocks(ReadOnlySpan<char> value, Span<byte> destination, ref int index, ref int written, ref int escapes)
    {
        // Worked on in locals and written back once: through the references, each step would wait on the last one's stores.
        var i = index;
        var at = written;
        var escapedBits = escapes;
        var valid = true;
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
                break;
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
                valid = false;
                break;
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

        index = i;
        written = at;
        escapes = escapedBits;
        return valid;
    }

    /// <summary>For a byte permute of 32: each place takes the byte one after it (the last, itself).</summary>
    private static readonly Vector256<byte> NextPlaces = Vector256.Create<byte>(Places(k => Math.Min(k + 1, 31)));

    /// <summary>For a byte permute of 32: each place takes the byte two after it (the last two, the last).</summary>
    private static readonly Vector256<byte> AfterNextPlaces = Vector256.Create<byte>(Places(k => Math.Min(k + 2, 31)));

    /// <summary>For a byte permute of 32 and 32 zeros: each place takes the byte one before it (the first, a zero).</summary>
    private static readonly Vector256<byte> PreviousPlaces = Vector256.Create<byte>(Places(k => k >= 1 ? k - 1 : 32));

    /// <summary>For a byte permute of 32 and 32 zeros: each place takes the byte two before it (the first two, a zero).</summary>
    private static readonly Vector256<byte> BeforePreviousPlaces = Vector256.Create<byte>(Places(k => k >= 2 ? k - 2 : 32));

    private static byte[] Places(Func<int, int> from) => Enumerable.Range(0, 32).Select(k => (byte)from(k)).ToArray();

    /// <summary>Hex digits of ASCII by their high nibble and by their low one, for a shuffle each, as <see cref="UnreservedByHigh"/>: 0-9, A-F, a-f.</summary>
    private static readonly Vector128<byte> HexDigitsByHigh = Vector128.Create((byte)0, 0, 0, 1, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    private static readonly Vector128<byte> HexDigitsByLow = Vector128.Create((byte)1, 3, 3, 3, 3, 3, 3, 1, 1, 1, 0, 0, 0, 0, 0, 0);

    /// <summary>What a hex digit's value adds to its low nibble, by its high nibble: 9 for letters (A is 0x41).</summary>
    private static readonly Vector128<byte> HexLetterOffsetByHigh = Vector128.Create((byte)0, 0, 0, 0, 9, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>For each eight bits of bytes to keep, the shuffle that packs those bytes of eight to the front, in order.</summary>
    private static readonly ulong[] CompactShuffles = BuildCompactShuffles();

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
}
