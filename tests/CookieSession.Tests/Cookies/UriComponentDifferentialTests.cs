using System.Globalization;
using System.Text;
using CookieSession.Cookies;

namespace CookieSession.Tests.Cookies;

/// <summary>
/// <see cref="UriComponent"/> against references written from the specifications: ECMAScript's Decode (what
/// decodeURIComponent throws on, what it gives) and <see cref="Uri.EscapeDataString(string)"/>, over hostile inputs;
/// each with every set of vector instructions (skipped, not passed on a narrower path, where the hardware lacks them) and
/// one at a time, as hardware without them goes.
/// </summary>
public sealed class UriComponentDifferentialTests
{
    [Theory]
    [InlineData(nameof(UriComponent.Instructions.Avx512))]
    [InlineData(nameof(UriComponent.Instructions.Ssse3))]
    [InlineData(nameof(UriComponent.Instructions.None))]
    public void TryDecode_RandomHostileValues_AsEcmaScriptDecode(string path)
    {
        var instructions = Available(path);
        var random = new Random(61);
        for (var round = 0; round < 20000; round++)
        {
            AssertDecodesAsEcmaScript(HostileValue(random), instructions);
        }
    }

    [Theory]
    [InlineData(nameof(UriComponent.Instructions.Avx512))]
    [InlineData(nameof(UriComponent.Instructions.Ssse3))]
    [InlineData(nameof(UriComponent.Instructions.None))]
    public void TryDecode_LongPlainRunsAmongHostilePieces_AsEcmaScriptDecode(string path)
    {
        var instructions = Available(path);
        // Runs of plain ASCII long enough to be narrowed vectorized, ended by an escape, a bad escape, a non-ASCII or
        // control character, a lone surrogate or the end of the value, at every length around the vector widths.
        var random = new Random(63);
        for (var round = 0; round < 4000; round++)
        {
            var text = new StringBuilder();
            for (var piece = random.Next(1, 5); piece > 0; piece--)
            {
                for (var i = random.Next(0, 70); i > 0; i--)
                {
                    var c = (char)random.Next(0, 0x80);
                    text.Append(c == '%' ? 'x' : c);
                }

                text.Append(HostileValue(random));
            }

            AssertDecodesAsEcmaScript(text.ToString(), instructions);
        }
    }

    [Theory]
    [InlineData(nameof(UriComponent.Instructions.Avx512))]
    [InlineData(nameof(UriComponent.Instructions.Ssse3))]
    [InlineData(nameof(UriComponent.Instructions.None))]
    public void Escape_IntoExactDestinationsAtEveryAlignment_WritesNothingOutside(string path)
    {
        var instructions = Available(path);
        var random = new Random(62);
        for (var round = 0; round < 4000; round++)
        {
            var bytes = new byte[random.Next(0, 90)];
            random.NextBytes(bytes);
            if (random.Next(2) == 0)
            {
                // Mostly unreserved, as base64url and JSON keys are, with a few bytes to escape at the end.
                for (var i = 0; i < bytes.Length - 3; i++)
                {
                    bytes[i] = (byte)"abcXYZ019-._~"[random.Next(13)];
                }
            }

            var offset = random.Next(0, 8);
            var buffer = new char[offset + (3 * bytes.Length) + 8];
            buffer.AsSpan().Fill('#');
            var destination = buffer.AsSpan(offset, 3 * bytes.Length);
            var written = UriComponent.Escape(bytes, destination, instructions);

            Assert.Equal(EscapeReference.Of(bytes), new string(buffer, offset, written));
            Assert.All(buffer[..offset], c => Assert.Equal('#', c));
            Assert.All(buffer[(offset + (3 * bytes.Length))..], c => Assert.Equal('#', c));
        }
    }

    [Theory]
    [InlineData(nameof(UriComponent.Instructions.Avx512))]
    [InlineData(nameof(UriComponent.Instructions.Ssse3))]
    [InlineData(nameof(UriComponent.Instructions.None))]
    public void Escape_ValidUtf8_EqualsEscapeDataString(string path)
    {
        var instructions = Available(path);
        var random = new Random(63);
        for (var round = 0; round < 4000; round++)
        {
            var text = new StringBuilder();
            for (var i = random.Next(0, 60); i > 0; i--)
            {
                text.Append(char.ConvertFromUtf32(random.Next(4) switch
                {
                    0 => random.Next(0, 0x80),
                    1 => random.Next(0x80, 0x800),
                    2 => random.Next(0xE000, 0x10000),
                    _ => random.Next(0x10000, 0x110000),
                }));
            }

            var value = text.ToString();
            var utf8 = Encoding.UTF8.GetBytes(value);
            var destination = new char[3 * utf8.Length];
            Assert.Equal(Uri.EscapeDataString(value), new string(destination, 0, UriComponent.Escape(utf8, destination, instructions)));
        }
    }

    [Theory]
    [InlineData(nameof(UriComponent.Instructions.Avx512))]
    [InlineData(nameof(UriComponent.Instructions.Ssse3))]
    [InlineData(nameof(UriComponent.Instructions.None))]
    public void Escape_EveryLengthUpTo300_InEveryMix_AsTheReference(string path)
    {
        var instructions = Available(path);
        // Every length around the sixteen-byte steps, as plain runs, all escapes, JSON-like alternation, base64 (an escape
        // every 32 bytes or so) and random bytes, into destinations of exactly three times the length with guards on both
        // sides.
        var random = new Random(64);
        for (var length = 0; length <= 300; length++)
        {
            foreach (var bytes in new[]
            {
                Fill(length, _ => (byte)"azAZ09-._~"[random.Next(10)]),
                Fill(length, _ => (byte)"\0 \"%+/:{}\u007f\u00ff"[random.Next(11)]),
                Fill(length, _ => (byte)"{\"ab\":12,}-x"[random.Next(12)]),
                Fill(length, _ => (byte)"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[random.Next(64)]),
                Fill(length, i => (byte)(i < length / 2 ? 'q' : 0xE9)),
                Fill(length, _ => (byte)random.Next(256)),
            })
            {
                var buffer = new char[(3 * length) + 16];
                buffer.AsSpan().Fill('#');
                var written = UriComponent.Escape(bytes, buffer.AsSpan(8, 3 * length), instructions);

                Assert.Equal(EscapeReference.Of(bytes), new string(buffer, 8, written));
                Assert.All(buffer[..8], c => Assert.Equal('#', c));
                Assert.All(buffer[(8 + (3 * length))..], c => Assert.Equal('#', c));
            }
        }
    }

    [Theory]
    [InlineData(nameof(UriComponent.Instructions.Avx512))]
    [InlineData(nameof(UriComponent.Instructions.Ssse3))]
    [InlineData(nameof(UriComponent.Instructions.None))]
    public void Escape_EveryByteAtEveryPlaceOfAStep_AsTheReference(string path)
    {
        var instructions = Available(path);
        // Each byte value in each of the 32 places of two steps, among unreserved bytes and among escaped ones.
        foreach (var around in new[] { (byte)'k', (byte)'"' })
        {
            for (var value = 0; value < 256; value++)
            {
                for (var place = 0; place < 32; place++)
                {
                    var bytes = Fill(40, i => i == place ? (byte)value : around);
                    var destination = new char[3 * bytes.Length];
                    Assert.Equal(EscapeReference.Of(bytes), new string(destination, 0, UriComponent.Escape(bytes, destination, instructions)));
                }
            }
        }
    }

    [Theory]
    [InlineData(nameof(UriComponent.Instructions.Avx512))]
    [InlineData(nameof(UriComponent.Instructions.Ssse3))]
    [InlineData(nameof(UriComponent.Instructions.None))]
    public void Escape_OneByteToEscapeAtEveryPlaceOfALaterStep_AsTheReference(string path)
    {
        var instructions = Available(path);
        // Escaping starts at the first byte to escape, so a value's first step has its escape first: the byte escaped
        // here comes in the step after it, at each of its places, among bytes kept as they are.
        for (var value = 0; value < 256; value++)
        {
            for (var place = 0; place < 16; place++)
            {
                var bytes = Fill(48, i => i == 0 ? (byte)'+' : i == 16 + place ? (byte)value : (byte)"Az09-._~"[i % 8]);
                var destination = new char[3 * bytes.Length];
                Assert.Equal(EscapeReference.Of(bytes), new string(destination, 0, UriComponent.Escape(bytes, destination, instructions)));
            }
        }
    }

    [Fact]
    public void Escape_IntoALargerDestination_AsIntoAnExactOne()
    {
        // The header writer hands over the rest of a rented buffer, longer than three times the value.
        var random = new Random(65);
        for (var round = 0; round < 500; round++)
        {
            var bytes = Fill(random.Next(0, 200), _ => (byte)"{\"ab\":1,}-x\u00e9"[random.Next(12)]);
            var large = new char[(3 * bytes.Length) + random.Next(0, 64)];
            Assert.Equal(EscapeReference.Of(bytes), new string(large, 0, UriComponent.Escape(bytes, large)));
        }
    }

    [Theory]
    [InlineData(nameof(UriComponent.Instructions.Avx512))]
    [InlineData(nameof(UriComponent.Instructions.Ssse3))]
    [InlineData(nameof(UriComponent.Instructions.None))]
    public void TryDecode_EscapedBytesOfEveryLengthUpTo300_AsEcmaScriptDecode(string path)
    {
        var instructions = Available(path);
        // Escapes of every byte (invalid UTF-8 among them) at every length around the steps, in upper and lower case,
        // as written, cut short at the end, and with one character replaced by each of a few that break or shift an escape.
        var random = new Random(66);
        for (var length = 0; length <= 300; length++)
        {
            var bytes = Fill(length, _ => random.Next(4) switch
            {
                0 => (byte)random.Next(256),
                1 => (byte)"\"{}:,"[random.Next(5)],
                _ => (byte)"ab09-~"[random.Next(6)],
            });
            var escaped = EscapeReference.Of(bytes);
            if (random.Next(2) == 0)
            {
                escaped = escaped.ToLowerInvariant();
            }

            AssertDecodesAsEcmaScript(escaped, instructions);
            if (escaped.Length > 0)
            {
                AssertDecodesAsEcmaScript(escaped[..^1], instructions);
                var at = random.Next(escaped.Length);
                foreach (var replacement in "%G0a\u00e9\ud800")
                {
                    AssertDecodesAsEcmaScript(escaped[..at] + replacement + escaped[(at + 1)..], instructions);
                }
            }
        }
    }

    [Theory]
    [InlineData(nameof(UriComponent.Instructions.Avx512))]
    [InlineData(nameof(UriComponent.Instructions.Ssse3))]
    [InlineData(nameof(UriComponent.Instructions.None))]
    public void TryDecode_AnEscapeAtEveryPlaceOfAStep_FollowedByEveryCharacter_AsEcmaScriptDecode(string path)
    {
        var instructions = Available(path);
        // A '%' in each of the 70 places of two of the widest steps and a bit, its two digits each every ASCII character in
        // turn (and a few beyond), so that escapes cut by a step's end and digits that are not hex meet every place.
        var digits = Enumerable.Range(0, 128).Select(c => (char)c).Concat("\u00e9\u0100\uff10").ToArray();
        for (var place = 0; place < 70; place++)
        {
            foreach (var digit in digits)
            {
                foreach (var value in new[]
                {
                    new string('a', place) + "%" + digit + "1" + new string('b', 20),
                    new string('a', place) + "%4" + digit + new string('b', 20),
                    new string('a', place) + "%" + digit,
                    new string('a', place) + "%C3%" + digit + "9" + new string('b', 20),
                })
                {
                    AssertDecodesAsEcmaScript(value, instructions);
                }
            }
        }
    }

    [Theory]
    [InlineData(nameof(UriComponent.Instructions.Avx512))]
    [InlineData(nameof(UriComponent.Instructions.Ssse3))]
    [InlineData(nameof(UriComponent.Instructions.None))]
    public void TryDecode_EscapesThatAreNotUtf8_AtEveryPlace_Refused(string path)
    {
        var instructions = Available(path);
        // Overlong forms, surrogates, past U+10FFFF, stray continuations and cut sequences, among escaped JSON, each
        // at every place of a step; and their valid neighbours, which decode.
        string[] invalid = ["%C0%AF", "%E0%80%AF", "%ED%A0%80", "%ED%BF%BF", "%F4%90%80%80", "%F8%88%80%80%80", "%80", "%BF", "%C3", "%E2%82", "%F0%9F%98", "%C3%28", "%FE", "%FF"];
        string[] valid = ["%C3%A9", "%E2%82%AC", "%ED%9F%BF", "%EE%80%80", "%F0%9F%98%80", "%F4%8F%BF%BF", "%7F"];
        for (var place = 0; place < 20; place++)
        {
            var before = string.Concat(Enumerable.Repeat("%22", place / 3)) + new string('z', place % 3);
            foreach (var escape in invalid.Concat(valid))
            {
                var value = before + escape + "%22%7Dabcdefghijklmnop";
                var buffer = new byte[UriComponent.MaxDecodedLength(value.Length)];
                Assert.Equal(!invalid.Contains(escape), UriComponent.TryDecode(value, buffer, out _, instructions));
                AssertDecodesAsEcmaScript(value, instructions);
            }
        }
    }

    [Theory]
    [InlineData(nameof(UriComponent.Instructions.Avx512))]
    [InlineData(nameof(UriComponent.Instructions.Ssse3))]
    [InlineData(nameof(UriComponent.Instructions.None))]
    public void TryDecode_OnePieceAtEveryPlaceOfEveryLength_IntoExactDestinations_AsEcmaScriptDecode(string path)
    {
        var instructions = Available(path);
        // Plain ASCII around one escape, bad escape or character beyond ASCII, at every place of every length up to two
        // of the widest steps and a bit: a step's whole-vector write then ends at the end of a destination of exactly the
        // value's length, and a value needing more bytes than characters is refused there after the steps wrote.
        var random = new Random(68);
        string[] pieces = ["", "%41", "%c3%A9", "%E2%82%AC", "%4", "%", "%G1", "%C3", "\u00e9", "\ud83d\ude00", "\ud800"];
        for (var length = 0; length <= 72; length++)
        {
            foreach (var piece in pieces)
            {
                for (var place = 0; place + piece.Length <= length; place++)
                {
                    var value = Plain(random, place) + piece + Plain(random, length - place - piece.Length);
                    AssertDecodesAsEcmaScript(value, instructions);
                }
            }
        }
    }

    [Theory]
    [InlineData(nameof(UriComponent.Instructions.Avx512))]
    [InlineData(nameof(UriComponent.Instructions.Ssse3))]
    [InlineData(nameof(UriComponent.Instructions.None))]
    public void TryDecode_Base64AsRackEscapesIt_AtEveryLength_AsEcmaScriptDecode(string path)
    {
        var instructions = Available(path);
        // Rails' session cookie: base64 parts joined by "--", each '+', '/' and '=' escaped, so plain runs of a few dozen
        // characters end at every place of a step, and the last of them in every place of the value's end.
        var random = new Random(71);
        for (var length = 1; length <= 400; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            var value = Uri.EscapeDataString(Convert.ToBase64String(bytes) + "--" + Convert.ToBase64String(bytes[..Math.Min(12, length)]));
            AssertDecodesAsEcmaScript(value, instructions);
            AssertDecodesAsEcmaScript(value + HostileValue(random), instructions);
        }
    }

    [Theory]
    [InlineData(nameof(UriComponent.Instructions.Avx512))]
    [InlineData(nameof(UriComponent.Instructions.Ssse3))]
    public void TryDecode_VectorAndScalarPaths_AgreeOnEveryHostileValue(string path)
    {
        var instructions = Available(path);
        // Each vector path against the scalar one (bytes written and refusals), beyond what the reference alone would catch.
        var random = new Random(67);
        for (var round = 0; round < 20000; round++)
        {
            var value = string.Concat(Enumerable.Range(0, random.Next(1, 8)).Select(_ => HostileValue(random)));
            var vector = new byte[UriComponent.MaxDecodedLength(value.Length)];
            var scalar = new byte[vector.Length];
            var vectorOk = UriComponent.TryDecode(value, vector, out var vectorWritten, instructions);
            var scalarOk = UriComponent.TryDecode(value, scalar, out var scalarWritten, UriComponent.Instructions.None);

            Assert.Equal(scalarOk, vectorOk);
            if (scalarOk)
            {
                Assert.Equal(scalar[..scalarWritten], vector[..vectorWritten]);
            }
        }
    }

    /// <summary>
    /// The path <paramref name="name"/> names, or a skip where this hardware lacks it: decoding and escaping would fall
    /// back to a narrower path and pass without testing the one asked for. The scalar path always runs.
    /// </summary>
    private static UriComponent.Instructions Available(string name)
    {
        var instructions = Enum.Parse<UriComponent.Instructions>(name);
        Assert.SkipUnless(
            instructions <= UriComponent.Supported,
            $"This machine runs the {UriComponent.Supported} path at most (its processor, or DOTNET_PreferredVectorBitWidth or DOTNET_EnableHWIntrinsic, rules out {instructions}).");
        return instructions;
    }

    private static void AssertDecodesAsEcmaScript(string value, UriComponent.Instructions instructions)
    {
        // Into destinations of the most a value may need; of exactly the value's length, the least the vector steps take,
        // so that their last writes end at the destination's end; of exactly the decoded length; and one byte shorter than
        // each, refused where that is shorter than the decoded value.
        var expected = DecodeUriComponent(value);
        var decoded = expected?.Length ?? 0;
        foreach (var length in new[] { UriComponent.MaxDecodedLength(value.Length), value.Length, value.Length - 1, decoded, decoded - 1 }.Distinct())
        {
            if (length >= 0)
            {
                AssertDecodesInto(value, expected, length, instructions);
            }
        }
    }

    private static void AssertDecodesInto(string value, byte[]? expected, int length, UriComponent.Instructions instructions)
    {
        // The destination lies between guard bytes, which must keep their value whether it decodes or refuses.
        const byte Guard = 0xAA;
        var buffer = new byte[length + 16];
        buffer.AsSpan().Fill(Guard);
        var destination = buffer.AsSpan(8, length);
        var ok = UriComponent.TryDecode(value, destination, out var written, instructions);

        var fits = expected is not null && expected.Length <= length;
        Assert.True(fits == ok, $"{Describe(value)} into {length} bytes: expected {(fits ? "a value" : "a refusal")}");
        if (ok)
        {
            Assert.Equal(expected, destination[..written].ToArray());
        }

        Assert.True(
            buffer.AsSpan(0, 8).IndexOfAnyExcept(Guard) < 0 && buffer.AsSpan(8 + length).IndexOfAnyExcept(Guard) < 0,
            $"{Describe(value)} into {length} bytes: written outside the destination");
    }

    private static byte[] Fill(int length, Func<int, byte> at) => Enumerable.Range(0, length).Select(at).ToArray();

    /// <summary>ASCII but '%', control characters included: what the steps copy as it is.</summary>
    private static string Plain(Random random, int length)
        => new(Enumerable.Range(0, length).Select(_ => (char)random.Next(0, 0x80)).Select(c => c == '%' ? '~' : c).ToArray());

    /// <summary>ECMA-262 Decode(string, reservedSet = empty), then the value as UTF-8; null where it throws, or where a raw lone surrogate leaves no UTF-8.</summary>
    private static byte[]? DecodeUriComponent(string s)
    {
        var r = new StringBuilder();
        for (var k = 0; k < s.Length; k++)
        {
            var c = s[k];
            if (c != '%')
            {
                r.Append(c);
                continue;
            }

            if (k + 2 >= s.Length || !TryHex(s, k + 1, out var b))
            {
                return null;
            }

            k += 2;
            if (b < 0x80)
            {
                r.Append((char)b);
                continue;
            }

            var n = 0;
            while (((b << n) & 0x80) != 0)
            {
                n++;
            }

            if (n == 1 || n > 4 || k + (3 * (n - 1)) >= s.Length)
            {
                return null;
            }

            var octets = new List<byte> { (byte)b };
            for (var j = 1; j < n; j++)
            {
                k++;
                if (s[k] != '%' || !TryHex(s, k + 1, out var next) || (next & 0xC0) != 0x80)
                {
                    return null;
                }

                k += 2;
                octets.Add((byte)next);
            }

            // Only the shortest form of a code point that is not a surrogate, up to U+10FFFF.
            try
            {
                r.Append(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(octets.ToArray()));
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(r.ToString());
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
    }

    private static bool TryHex(string s, int at, out int value)
    {
        value = 0;
        return at + 1 < s.Length
            && Uri.IsHexDigit(s[at]) && Uri.IsHexDigit(s[at + 1])
            && int.TryParse(s.AsSpan(at, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static string HostileValue(Random random)
    {
        var text = new StringBuilder();
        for (var i = random.Next(0, 12); i > 0; i--)
        {
            switch (random.Next(11))
            {
                case 0:
                    text.Append('%').Append(random.Next(256).ToString(random.Next(2) == 0 ? "X2" : "x2", CultureInfo.InvariantCulture));
                    break;
                case 1:
                    // A whole character, escaped: valid UTF-8 of 1 to 4 bytes.
                    foreach (var b in Encoding.UTF8.GetBytes(char.ConvertFromUtf32(random.Next(2) == 0 ? random.Next(0x80, 0xD800) : random.Next(0x10000, 0x110000))))
                    {
                        text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                    }

                    break;
                case 2:
                    text.Append("%C3%A9%E2%82%AC%F0%9F%98%80"[..(3 * random.Next(1, 10))]);
                    break;
                case 3:
                    text.Append((char)random.Next(0, 0x80));
                    break;
                case 4:
                    text.Append((char)random.Next(0x80, 0xD800));
                    break;
                case 5:
                    text.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x110000)));
                    break;
                case 6:
                    text.Append((char)random.Next(0xD800, 0xE000));
                    break;
                case 7:
                    text.Append(random.Next(4) switch { 0 => "%", 1 => "%4", 2 => "%G1", _ => "%%" });
                    break;
                case 8:
                    // Escapes that are not a character: an overlong form, a surrogate, past U+10FFFF, a stray continuation.
                    text.Append(random.Next(4) switch { 0 => "%C0%AF", 1 => "%ED%A0%80", 2 => "%F4%90%80%80", _ => "%80" });
                    break;
                case 9:
                    text.Append((char)random.Next(0xE000, 0x10000));
                    break;
                default:
                    text.Append("abc{}\":,");
                    break;
            }
        }

        return text.ToString();
    }

    private static string Describe(string value)
        => string.Concat(value.Select(c => c is >= ' ' and < '\x7f' ? c.ToString() : $"\\u{(int)c:X4}"));
}
