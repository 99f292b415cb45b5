using System.Globalization;
using System.Text;
using CookieSession.Cookies;

namespace CookieSession.Tests.Cookies;

/// <summary>
/// <see cref="UriComponent"/> against references written from the specifications: ECMAScript's Decode (what
/// decodeURIComponent throws on, what it gives) and <see cref="Uri.EscapeDataString(string)"/>, over hostile inputs.
/// </summary>
public sealed class UriComponentDifferentialTests
{
    [Fact]
    public void TryDecode_RandomHostileValues_AsEcmaScriptDecode()
    {
        var random = new Random(61);
        for (var round = 0; round < 20000; round++)
        {
            var value = HostileValue(random);
            var expected = DecodeUriComponent(value);
            var buffer = new byte[UriComponent.MaxDecodedLength(value.Length)];
            var ok = UriComponent.TryDecode(value, buffer, out var written);

            Assert.True(expected is not null == ok, $"round {round}: {Describe(value)} expected {(expected is null ? "a refusal" : "a value")}");
            if (ok)
            {
                Assert.Equal(expected, buffer[..written]);
            }
        }
    }

    [Fact]
    public void TryDecode_LongPlainRunsAmongHostilePieces_AsEcmaScriptDecode()
    {
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

            var value = text.ToString();
            var expected = DecodeUriComponent(value);
            var buffer = new byte[UriComponent.MaxDecodedLength(value.Length)];
            var ok = UriComponent.TryDecode(value, buffer, out var written);

            Assert.True(expected is not null == ok, $"round {round}: {Describe(value)} expected {(expected is null ? "a refusal" : "a value")}");
            if (ok)
            {
                Assert.Equal(expected, buffer[..written]);
            }
        }
    }

    [Fact]
    public void Escape_IntoExactDestinationsAtEveryAlignment_WritesNothingOutside()
    {
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
            var written = UriComponent.Escape(bytes, destination);

            Assert.Equal(EscapeReference.Of(bytes), new string(buffer, offset, written));
            Assert.All(buffer[..offset], c => Assert.Equal('#', c));
            Assert.All(buffer[(offset + (3 * bytes.Length))..], c => Assert.Equal('#', c));
        }
    }

    [Fact]
    public void Escape_ValidUtf8_EqualsEscapeDataString()
    {
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
            Assert.Equal(Uri.EscapeDataString(value), new string(destination, 0, UriComponent.Escape(utf8, destination)));
        }
    }

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
