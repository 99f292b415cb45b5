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
internal static partial class UriComponent
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

    /// <summary>Whether <see cref="Escape(ReadOnlySpan{byte}, Span{char})"/> leaves every byte as it is (base64url, a token).</summary>
    public static bool NeedsNoEscaping(ReadOnlySpan<byte> utf8) => utf8.IndexOfAnyExcept(Unreserved) < 0;

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
    /// 512-bit vectors pay (not on processors that slow their clock for them). Internal so that tests of a path this
    /// hardware lacks skip instead of passing on a narrower one.
    /// </summary>
    internal static readonly Instructions Supported =
        Vector512.IsHardwareAccelerated && Avx512Vbmi2.VL.IsSupported && Avx512Vbmi.VL.IsSupported && Avx512BW.IsSupported ? Instructions.Avx512
        : Ssse3.IsSupported ? Instructions.Ssse3
        : Instructions.None;

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
