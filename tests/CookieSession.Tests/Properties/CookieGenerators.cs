using System.Globalization;
using System.Text;

namespace CookieSession.Tests.Properties;

/// <summary>The classes of input the property tests generate, one test each.</summary>
internal enum CaseClass
{
    /// <summary>Random characters as the value of each of the format's cookies.</summary>
    RandomValue,

    /// <summary>A valid cookie with its characters flipped, inserted, deleted, duplicated, re-escaped, or its signature swapped.</summary>
    MutatedCookie,

    /// <summary>Validly signed cookies whose JSON is random, mutated, not an object, deeply nested or full of edge cases.</summary>
    SignedJson,

    /// <summary>Several Cookie headers, repeated names, look-alike names, valid and invalid cookies in any order.</summary>
    SeveralHeaders,
}

/// <summary>
/// One request's cookies. <see cref="Json"/> is set when the case is a validly signed session (the headers are
/// then rebuilt from it when it is shrunk); <see cref="MustLoad"/> and <see cref="MustReject"/> are what the
/// generator knows for certain about the outcome.
/// </summary>
internal sealed record FuzzCase(CaseClass Class, int Index, IReadOnlyList<string> Headers)
{
    public byte[]? Json { get; init; }

    public bool MustLoad { get; init; }

    public bool MustReject { get; init; }

    /// <summary>The case as C# string literals, for a failure message or an [InlineData].</summary>
    public string Describe()
    {
        var builder = new StringBuilder();
        if (Json is not null)
        {
            builder.Append("signed JSON (UTF-8 bytes shown as C# string, invalid bytes as \\xNN): ").Append(Literal(Json)).AppendLine();
        }

        builder.Append("Cookie headers: ").AppendJoin(", ", Headers.Select(h => Literal(h.Length > 600 ? h[..600] + $"... ({h.Length} chars)" : h)));
        return builder.ToString();
    }

    public static string Literal(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or (>= '\x7f' and <= '\xa0') or (>= '\ud800' and <= '\udfff') => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    public static string Literal(byte[] utf8)
    {
        var builder = new StringBuilder("\"");
        var text = new UTF8Encoding(false, true);
        for (var i = 0; i < utf8.Length;)
        {
            var length = utf8[i] < 0x80 ? 1 : utf8[i] < 0xE0 ? 2 : utf8[i] < 0xF0 ? 3 : 4;
            try
            {
                var chunk = text.GetString(utf8, i, Math.Min(length, utf8.Length - i));
                builder.Append(Literal(chunk)[1..^1]);
                i += length;
            }
            catch (ArgumentException)
            {
                builder.Append("\\x").Append(utf8[i].ToString("X2", CultureInfo.InvariantCulture));
                i++;
            }
        }

        return builder.Append('"').ToString();
    }
}

/// <summary>
/// The generators. Each case gets its own <see cref="Random"/> from (seed, format, class, index), so any case can be
/// rebuilt alone from the numbers a failure prints.
/// </summary>
internal static class CookieGenerators
{
    /// <summary>Characters and sequences the decoders split on, unescape or refuse.</summary>
    private static readonly string[] s_valueTokens =
    [
        "%", "%2", "%25", "%ZZ", "%G0", "%00", "%0A", "%3A", "%3a", "%2E", "%2e", "%22", "%7B", "%7D", "%5C",
        "%C3%28", "%C0%AF", "%ED%A0%80", "%F4%90%80%80", "%E2%82", "%FF", "%80", "%F0%9F%98%80", "%C3%A9",
        "\"", ";", "=", ",", " ", "\t", ".", "..", "s:", "j:", "s%3Aj%3A", "s%3A", "s:j:{}", "\\", "\0", "\r\n", "\x7f",
        "é", "😀", "\ud83d", "\ude00", "\u00ff", "\u2028", "\ufeff", "\uffff", "+", "/", "_", "-", "==", "=", "eyJ", "e30=",
    ];

    private static readonly string[] s_valuePrefixes = ["s:", "s:j:", "s%3A", "s%3Aj%3A", "s%3Aj%3A%7B%7D.", "s:j:{}.", "eyJ", "e30=", "\"s:j:"];

    private static readonly string[] s_jsonTokens =
    [
        "\"", "{", "}", "[", "]", ",", ":", "\\", "\\u", "\\ud83d", "\\udc00", "\\ude00\\ud83d", "\\u00", "\\x", "1e400", "-", "0", "00",
        "null", "tru", "nul", "\0", " ", "\n", "/*", "NaN", "Infinity", "{}", "[]", "\"\":", "\"a\":1,", "\u00a0", "\ufeff",
    ];

    private static readonly byte[][] s_invalidUtf8 =
    [
        [0xC3, 0x28], [0xFF], [0xFE], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xF0, 0x9F, 0x98],
    ];

    public static Random RandomFor(int seed, FuzzFormat format, CaseClass caseClass, int index)
    {
        // FNV-1a of the format's name (string.GetHashCode differs between processes), mixed with the rest.
        var hash = 2166136261u;
        foreach (var c in format.Name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        var mixed = unchecked(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)hash << 32) ^ ((ulong)caseClass << 24) ^ (ulong)(uint)index);
        mixed = unchecked((mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9UL);
        mixed = unchecked((mixed ^ (mixed >> 27)) * 0x94D049BB133111EBUL);
        return new Random((int)(mixed ^ (mixed >> 31)));
    }

    public static FuzzCase Generate(FuzzFormat format, CaseClass caseClass, int index, int seed, string secret)
    {
        var r = RandomFor(seed, format, caseClass, index);
        return caseClass switch
        {
            CaseClass.RandomValue => RandomValues(r, format, index),
            CaseClass.MutatedCookie => MutatedCookie(r, format, index, secret),
            CaseClass.SignedJson => SignedJson(r, format, index, secret),
            CaseClass.SeveralHeaders => SeveralHeaders(r, format, index, secret),
            _ => throw new ArgumentOutOfRangeException(nameof(caseClass)),
        };
    }

    /// <summary>The case's headers for this (possibly shrunk) JSON, signed as the format signs.</summary>
    public static FuzzCase WithJson(FuzzCase c, FuzzFormat format, byte[] json, string secret)
        => c with { Json = json, Headers = [Join(format.Sign(json, secret))], MustLoad = false, MustReject = false };

    public static string Join(IEnumerable<CookiePair> pairs) => string.Join("; ", pairs);

    // ---- 1. random values --------------------------------------------------------------------------------

    private static FuzzCase RandomValues(Random r, FuzzFormat format, int index)
    {
        var pairs = new List<CookiePair>();
        foreach (var name in format.CookieNames)
        {
            // Mostly every cookie of the format; sometimes one is missing.
            if (r.Next(8) != 0 || name == format.PrimaryCookie)
            {
                pairs.Add(new(name, RandomValue(r)));
            }
        }

        Shuffle(r, pairs);
        return new FuzzCase(CaseClass.RandomValue, index, [Join(pairs)]);
    }

    public static string RandomValue(Random r)
    {
        var length = r.Next(20) switch
        {
            0 => 0,
            < 10 => r.Next(1, 24),
            < 17 => r.Next(24, 300),
            < 19 => r.Next(300, 4000),
            _ => r.Next(4000, 10_240),
        };

        var builder = new StringBuilder(length + 16);
        if (length > 0 && r.Next(3) == 0)
        {
            // Start as a real value would, so that some random values get as far as the signature check.
            builder.Append(s_valuePrefixes[r.Next(s_valuePrefixes.Length)]);
        }

        var alphabet = r.Next(4);
        while (builder.Length < length)
        {
            if (builder.Length > 512 && r.Next(4) == 0)
            {
                // Long values: repeat a stretch already written, so 10 KB costs little to build.
                var start = r.Next(builder.Length - 256);
                builder.Append(builder.ToString(start, Math.Min(256, length - builder.Length)));
                continue;
            }

            AppendRandom(r, builder, alphabet);
        }

        return builder.ToString();
    }

    private static void AppendRandom(Random r, StringBuilder builder, int alphabet)
    {
        switch (alphabet == 0 ? r.Next(7) : alphabet == 1 ? r.Next(2) * 6 : r.Next(5))
        {
            case 0:
                builder.Append(s_valueTokens[r.Next(s_valueTokens.Length)]);
                break;
            case 1:
                builder.Append((char)r.Next(0x21, 0x7F));
                break;
            case 2:
                builder.Append('%').Append(r.Next(256).ToString("X2", CultureInfo.InvariantCulture));
                break;
            case 3:
                builder.Append((char)r.Next(0, 0x20));
                break;
            case 4:
                builder.Append((char)r.Next(0x80, 0x10000));
                break;
            case 5:
                builder.Append((char)r.Next(0x80, 0x100));
                break;
            default:
                builder.Append("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_="[r.Next(67)]);
                break;
        }
    }

    // ---- 2. mutations of valid cookies ---------------------------------------------------------------------

    private static FuzzCase MutatedCookie(Random r, FuzzFormat format, int index, string secret)
    {
        var pairs = format.Sign(Encoding.UTF8.GetBytes(new JsonGenerator(r, plain: true).Object(budget: 200, maxDepth: 4)), secret).ToList();
        var other = format.Sign(Encoding.UTF8.GetBytes(new JsonGenerator(r, plain: true).Object(budget: 200, maxDepth: 4)), r.Next(3) == 0 ? "another secret" : secret).ToList();
        var mutations = 1 + r.Next(3);
        for (var m = 0; m < mutations && pairs.Count > 0; m++)
        {
            var i = r.Next(pairs.Count);
            var (name, value) = pairs[i];
            switch (r.Next(16))
            {
                case 0:
                    value = Replace(value, r, (char)r.Next(0x20, 0x7F));
                    break;
                case 1:
                    value = Replace(value, r, s_valueTokens[r.Next(s_valueTokens.Length)]);
                    break;
                case 2:
                    value = value.Insert(r.Next(value.Length + 1), r.Next(2) == 0 ? s_valueTokens[r.Next(s_valueTokens.Length)] : ((char)r.Next(0, 0x10000)).ToString());
                    break;
                case 3:
                    value = DeleteRange(value, r);
                    break;
                case 4:
                    value = DuplicateRange(value, r);
                    break;
                case 5:
                    value = value[..r.Next(value.Length + 1)];
                    break;
                case 6:
                    value = ChangeEscape(value, r);
                    break;
                case 7:
                    value = EscapeOne(value, r);
                    break;
                case 8:
                    value = ChangeEscape(ChangeEscape(value, r), r);
                    break;
                case 9:
                    // Swap the signature: the tail after the last '.' (Connect), or a whole cookie (the .sig of Express).
                    var donor = other.FirstOrDefault(p => p.Name == name).Value ?? other[0].Value;
                    var cut = value.LastIndexOf('.');
                    var donorCut = donor.LastIndexOf('.');
                    value = cut >= 0 && donorCut >= 0 ? value[..cut] + donor[donorCut..] : donor;
                    break;
                case 10:
                    // Splice two valid values at random points.
                    var splice = other.FirstOrDefault(p => p.Name == name).Value ?? other[0].Value;
                    value = value[..r.Next(value.Length + 1)] + splice[r.Next(splice.Length + 1)..];
                    break;
                case 11:
                    pairs.RemoveAt(i);
                    continue;
                case 12:
                    pairs.Insert(r.Next(pairs.Count + 1), new(name, RandomValue(r)));
                    continue;
                case 13:
                    value = "\"" + value + (r.Next(4) == 0 ? string.Empty : "\"");
                    break;
                case 14:
                    value = (r.Next(2) == 0 ? " " : "\t") + value + (r.Next(2) == 0 ? " " : string.Empty);
                    break;
                default:
                    value = FlipCase(value, r);
                    break;
            }

            pairs[i] = new(name, value);
        }

        return new FuzzCase(CaseClass.MutatedCookie, index, [Join(pairs)]);
    }

    private static string Replace(string value, Random r, string with)
    {
        if (value.Length == 0)
        {
            return with;
        }

        var i = r.Next(value.Length);
        return value[..i] + with + value[(i + 1)..];
    }

    private static string Replace(string value, Random r, char with) => Replace(value, r, with.ToString());

    private static string DeleteRange(string value, Random r)
    {
        if (value.Length == 0)
        {
            return value;
        }

        var start = r.Next(value.Length);
        return value.Remove(start, 1 + r.Next(Math.Min(8, value.Length - start)));
    }

    private static string DuplicateRange(string value, Random r)
    {
        if (value.Length == 0)
        {
            return value;
        }

        var start = r.Next(value.Length);
        var length = 1 + r.Next(Math.Min(16, value.Length - start));
        return value.Insert(r.Next(value.Length + 1), value.Substring(start, length));
    }

    private static string FlipCase(string value, Random r)
    {
        if (value.Length == 0)
        {
            return value;
        }

        var chars = value.ToCharArray();
        var i = r.Next(chars.Length);
        chars[i] = char.IsUpper(chars[i]) ? char.ToLowerInvariant(chars[i]) : char.ToUpperInvariant(chars[i]);
        return new string(chars);
    }

    /// <summary>One percent-escape changed: hex case flipped, decoded to its character, broken, or made invalid.</summary>
    private static string ChangeEscape(string value, Random r)
    {
        var escapes = new List<int>();
        for (var i = value.IndexOf('%', StringComparison.Ordinal); i >= 0; i = value.IndexOf('%', i + 1))
        {
            escapes.Add(i);
        }

        if (escapes.Count == 0)
        {
            return value + "%";
        }

        var at = escapes[r.Next(escapes.Count)];
        var escape = value.Substring(at, Math.Min(3, value.Length - at));
        string replacement;
        switch (r.Next(6))
        {
            case 0:
                replacement = escape.ToLowerInvariant();
                break;
            case 1:
                replacement = escape.Length == 3 && byte.TryParse(escape.AsSpan(1), NumberStyles.HexNumber, null, out var b) ? ((char)b).ToString() : escape;
                break;
            case 2:
                replacement = escape[..Math.Min(2, escape.Length)];
                break;
            case 3:
                replacement = "%" + "GZgz %"[r.Next(6)] + escape[Math.Min(2, escape.Length)..];
                break;
            case 4:
                replacement = "%25" + escape[1..];
                break;
            default:
                replacement = "%" + r.Next(256).ToString("X2", CultureInfo.InvariantCulture);
                break;
        }

        return value[..at] + replacement + value[(at + escape.Length)..];
    }

    /// <summary>One plain character written as an escape of its UTF-8 (which decodes to the same bytes).</summary>
    private static string EscapeOne(string value, Random r)
    {
        if (value.Length == 0)
        {
            return value;
        }

        var i = r.Next(value.Length);
        return value[i] >= 0x80 || value[i] == '%' ? value : value[..i] + "%" + ((int)value[i]).ToString(r.Next(2) == 0 ? "X2" : "x2", CultureInfo.InvariantCulture) + value[(i + 1)..];
    }

    // ---- 3. signed JSON ------------------------------------------------------------------------------------

    private static FuzzCase SignedJson(Random r, FuzzFormat format, int index, string secret)
    {
        // A session that loads is written back with one more key: keep it well under the 4096 bytes of a
        // Set-Cookie, so that a refusal for size (by design, and not what this test is about) cannot happen.
        for (var attempt = 0; ; attempt++)
        {
            var c = SignedJsonOnce(r, format, index, secret, out var deep);
            if (deep || attempt == 20 || c.Headers[0].Length <= 3000)
            {
                return c;
            }
        }
    }

    private static FuzzCase SignedJsonOnce(Random r, FuzzFormat format, int index, string secret, out bool deep)
    {
        var generator = new JsonGenerator(r);
        byte[] json;
        var mustLoad = false;
        var mustReject = false;
        var kind = r.Next(100);
        deep = false;
        if (kind < 35)
        {
            // A well-formed object. Certain to load unless it holds what a later decision may refuse.
            json = Encoding.UTF8.GetBytes(generator.Object(budget: 400, maxDepth: 1 + r.Next(8)));
            mustLoad = !generator.HasLoneSurrogate && !generator.HasRepeatedKey;
        }
        else if (kind < 60)
        {
            json = MutateBytes(r, Encoding.UTF8.GetBytes(generator.Object(budget: 300, maxDepth: 1 + r.Next(6))));
        }
        else if (kind < 70)
        {
            json = Encoding.UTF8.GetBytes(generator.NotAnObject());
            mustReject = json.Length > 0 && json[0] is (byte)'[' or (byte)'"' or (byte)'n' or (byte)'t' or (byte)'f' or (byte)'-' or (>= (byte)'0' and <= (byte)'9');
        }
        else if (kind < 80)
        {
            var depth = r.Next(10) switch
            {
                0 => 1 + r.Next(60),
                1 => 100,
                2 => 1000 + r.Next(3000),
                _ => 58 + r.Next(12),
            };
            json = Encoding.UTF8.GetBytes(generator.Nested(depth));
            mustLoad = depth <= 60;
            mustReject = depth >= 70;
            deep = depth >= 100;
        }
        else
        {
            json = Encoding.UTF8.GetBytes(generator.EdgeCaseObject());
            mustLoad = !generator.HasLoneSurrogate && !generator.HasRepeatedKey;
        }

        return new FuzzCase(CaseClass.SignedJson, index, [Join(format.Sign(json, secret))]) { Json = json, MustLoad = mustLoad, MustReject = mustReject };
    }

    private static byte[] MutateBytes(Random r, byte[] json)
    {
        var bytes = json.ToList();
        var mutations = 1 + r.Next(3);
        for (var m = 0; m < mutations; m++)
        {
            var at = r.Next(bytes.Count + 1);
            switch (r.Next(7))
            {
                case 0:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(s_jsonTokens[r.Next(s_jsonTokens.Length)]));
                    break;
                case 1:
                    bytes.InsertRange(at, s_invalidUtf8[r.Next(s_invalidUtf8.Length)]);
                    break;
                case 2:
                    if (at < bytes.Count)
                    {
                        bytes.RemoveRange(at, 1 + r.Next(Math.Min(6, bytes.Count - at)));
                    }

                    break;
                case 3:
                    if (at < bytes.Count)
                    {
                        var length = 1 + r.Next(Math.Min(12, bytes.Count - at));
                        bytes.InsertRange(r.Next(bytes.Count + 1), bytes.GetRange(at, length));
                    }

                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 5:
                    if (at < bytes.Count)
                    {
                        bytes[at] = (byte)r.Next(256);
                    }

                    break;
                default:
                    if (at < bytes.Count)
                    {
                        const string Structural = "\"{}[],:\\0e-.";
                        bytes[at] = (byte)Structural[r.Next(Structural.Length)];
                    }

                    break;
            }
        }

        return [.. bytes];
    }

    // ---- 4. several headers, repeated and look-alike names ------------------------------------------------------

    private static FuzzCase SeveralHeaders(Random r, FuzzFormat format, int index, string secret)
    {
        var valid = format.Sign(Encoding.UTF8.GetBytes(new JsonGenerator(r, plain: true).Object(budget: 150, maxDepth: 3)), secret);
        var pairs = new List<CookiePair>();
        foreach (var pair in valid)
        {
            if (r.Next(10) != 0)
            {
                pairs.Add(r.Next(8) == 0 ? pair with { Value = "\"" + pair.Value + "\"" } : pair);
            }

            // The same name again: garbage, a cookie signed with another secret, the other format's value, or the valid one.
            var copies = r.Next(3);
            for (var i = 0; i < copies; i++)
            {
                var value = r.Next(5) switch
                {
                    0 => RandomValue(r),
                    1 => format.Sign(Encoding.UTF8.GetBytes("{\"admin\":true}"), "another secret").First(p => p.Name == pair.Name).Value,
                    2 => FuzzFormats.All.First(f => f != format).Sign(Encoding.UTF8.GetBytes("{\"admin\":true}"), secret)[0].Value,
                    3 => pair.Value,
                    _ => string.Empty,
                };
                pairs.Insert(r.Next(pairs.Count + 1), pair with { Value = value });
            }
        }

        var decoys = r.Next(5);
        for (var i = 0; i < decoys; i++)
        {
            var name = format.CookieNames[r.Next(format.CookieNames.Count)];
            var decoy = r.Next(7) switch
            {
                0 => name + "2",
                1 => "x" + name,
                2 => name.ToUpperInvariant(),
                3 => name + ".sig",
                4 => " " + name + "\t",
                5 => name + " x",
                _ => "other",
            };
            pairs.Insert(r.Next(pairs.Count + 1), new(decoy, r.Next(2) == 0 ? valid[0].Value : RandomValue(r)));
        }

        // Spread over one to four Cookie headers, with the separators clients and proxies produce.
        var headerCount = 1 + r.Next(4);
        var headers = new StringBuilder[headerCount];
        for (var i = 0; i < headerCount; i++)
        {
            headers[i] = new StringBuilder();
        }

        var current = 0;
        foreach (var pair in pairs)
        {
            if (r.Next(3) == 0)
            {
                current = Math.Min(headerCount - 1, current + 1);
            }

            var header = headers[current];
            if (header.Length > 0)
            {
                header.Append(new[] { "; ", ";", " ; ", ";;", "; ;" }[r.Next(5)]);
            }

            header.Append(pair.Name).Append('=').Append(pair.Value);
        }

        var result = headers.Select(h => h.ToString()).ToList();

        // Node's parser: the first cookie of each name wins. The session loads only when those are the valid ones.
        var firsts = format.CookieNames.Select(n => FirstValue(result, n)).ToList();
        var loads = firsts.Zip(valid).All(x => x.First == x.Second.Value);
        var present = firsts[0] is not null;
        return new FuzzCase(CaseClass.SeveralHeaders, index, result) { MustLoad = present && loads, MustReject = present && !loads };
    }

    /// <summary>
    /// Node's <c>cookie</c> parse for one name: pairs split on <c>;</c>, the first whose name (trimmed of spaces and
    /// tabs) matches wins, its value trimmed and, when it starts with a double quote, stripped of its first and last character.
    /// </summary>
    public static string? FirstValue(IReadOnlyList<string> headers, string name)
    {
        foreach (var header in headers)
        {
            foreach (var pair in header.Split(';'))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0 || pair[..eq].Trim(' ', '\t') != name)
                {
                    continue;
                }

                var value = pair[(eq + 1)..].Trim(' ', '\t');
                return value.StartsWith('"') ? (value.Length >= 2 ? value[1..^1] : string.Empty) : value;
            }
        }

        return null;
    }

    private static void Shuffle<T>(Random r, List<T> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = r.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}

/// <summary>
/// Random JSON text. What it writes is valid JSON (RFC 8259) unless a method says otherwise; it records whether it
/// wrote a lone surrogate escape or a repeated key, which JavaScript accepts but which this library may yet decide to refuse.
/// </summary>
internal sealed class JsonGenerator
{
    /// <summary>Members that hit edge cases of parsing, reading and re-writing; lone surrogates flagged.</summary>
    private static readonly (string Member, bool LoneSurrogate)[] s_edgeMembers =
    [
        ("\"\\ud83d\":1", true), ("\"a\":\"\\ud83d\"", true), ("\"a\":\"\\udc00\\ud83d\"", true), ("\"a\":[\"\\ude00\"]", true),
        ("\"a\":{\"\\udbff\":0}", true), ("\"\\ud83d\\ude00\":\"\\ud83d\\ude00\"", false), ("\"😀\":\"😀\"", false),
        ("\"a\":1e400", false), ("\"a\":-1e400", false), ("\"a\":1e-400", false), ("\"a\":123456789012345678901234567890", false),
        ("\"a\":9007199254740993", false), ("\"a\":-9223372036854775809", false), ("\"a\":18446744073709551616", false),
        ("\"a\":-0", false), ("\"a\":0.1", false), ("\"a\":1E+2", false), ("\"a\":1.0", false), ("\"a\":5e-324", false), ("\"a\":1.7976931348623157e308", false),
        ("\"__proto__\":{\"admin\":true}", false), ("\"\":0", false), ("\"\\u0000\":1", false), ("\"a\\u0000b\":\"\\u0000\"", false),
        ("\"4294967295\":1", false), ("\"4294967294\":1", false), ("\"01\":1", false), ("\"-1\":1", false), ("\"0\":0", false),
        ("\"a\":{\"$binary\":\"!!\"}", false), ("\"a\":{\"$binary\":\"AAEC\"}", false), ("\"a\":{\"$binary\":\"AAEC\",\"b\":1}", false), ("\"$binary\":\"x\"", false),
        ("\"\\u0061\":1", false), ("\"\\\"\":\"\\\\\"", false), ("\"a\":\"\\/\\b\\f\\n\\r\\t\"", false), ("\"a\":\"\\u2028\\u2029\"", false),
        ("\"cookie\":{\"maxAge\":1}", false), ("\"a\":[]", false), ("\"a\":{}", false), ("\"a\":[1,[2,[3,{\"b\":null}]]]", false),
        ("\"a\":null", false), ("\"a\":true", false), ("\"a\":\"\\uFFFF\\uFEFF\"", false), ("\"a\":\"" + new string('x', 300) + "\"", false),
    ];

    private readonly Random _r;
    private readonly bool _plain;
    private readonly StringBuilder _builder = new();
    private int _limit;
    private int _maxDepth;

    /// <param name="random">The case's random source.</param>
    /// <param name="plain">
    /// No lone surrogates and no number beyond a double: for the base of cases about something else than the
    /// JSON (mutations, several headers), so that what those find is theirs.
    /// </param>
    public JsonGenerator(Random random, bool plain = false)
    {
        _r = random;
        _plain = plain;
    }

    public bool HasLoneSurrogate { get; private set; }

    public bool HasRepeatedKey { get; private set; }

    /// <summary>An object of random members, nested up to <paramref name="maxDepth"/> containers, of about <paramref name="budget"/> characters.</summary>
    public string Object(int budget, int maxDepth)
    {
        _builder.Clear();
        _limit = budget;
        _maxDepth = maxDepth;
        WriteObject(1);
        return _builder.ToString();
    }

    /// <summary>One to six edge-case members, with random white space between tokens.</summary>
    public string EdgeCaseObject()
    {
        _builder.Clear();
        _limit = 300;
        _maxDepth = 3;
        _builder.Append('{');
        var count = 1 + _r.Next(6);
        var used = new HashSet<string>();
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                _builder.Append(',');
            }

            Space();
            if (_r.Next(4) == 0)
            {
                // A random value under a key no edge member uses.
                _builder.Append(CultureInfo.InvariantCulture, $"\"r{i}\":");
                WriteValue(1);
            }
            else
            {
                var (member, lone) = s_edgeMembers[_r.Next(s_edgeMembers.Length)];
                HasLoneSurrogate |= lone;
                HasRepeatedKey |= !used.Add(KeyOf(member));
                _builder.Append(member);
            }

            Space();
        }

        _builder.Append('}');
        return _builder.ToString();
    }

    /// <summary>Anything but a single object: other values, nothing, white space, a byte-order mark, or trailing content.</summary>
    public string NotAnObject()
    {
        _builder.Clear();
        _limit = 200;
        _maxDepth = 4;
        switch (_r.Next(9))
        {
            case 0:
                WriteArray(1);
                break;
            case 1:
                WriteScalar();
                break;
            case 2:
                return string.Empty;
            case 3:
                return " \t\r\n"[.._r.Next(1, 5)];
            case 4:
                return "\ufeff{}";
            case 5:
                WriteObject(1);
                _builder.Append(new[] { " {}", "{}", "}", ",", "x", "\0", " 1" }[_r.Next(7)]);
                break;
            case 6:
                return new[] { "NaN", "Infinity", "undefined", "'a'", "{'a':1}", "{a:1}", "{\"a\":1,}", "{\"a\"}", "{,}", "{\"a\":01}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":1.}", "{\"a\":\"\t\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\q\"}", "{\"a\":\"x}" }[_r.Next(17)];
            case 7:
                return " {}";
            default:
                _builder.Append('{');
                _builder.Append(_r.Next(2) == 0 ? "/*c*/" : "//c\n");
                _builder.Append('}');
                break;
        }

        return _builder.ToString();
    }

    /// <summary>An object whose first member nests <paramref name="depth"/> containers in all (the object counts).</summary>
    public string Nested(int depth)
    {
        _builder.Clear();
        var closers = new Stack<char>();
        _builder.Append('{');
        closers.Push('}');
        for (var i = 1; i < depth; i++)
        {
            _builder.Append(closers.Peek() == '}' ? "\"k\":" : string.Empty);
            if (_r.Next(2) == 0)
            {
                _builder.Append('[');
                closers.Push(']');
            }
            else
            {
                _builder.Append('{');
                closers.Push('}');
            }
        }

        if (closers.Peek() == '}' && depth > 1)
        {
            _builder.Append("\"k\":1");
        }

        while (closers.Count > 0)
        {
            _builder.Append(closers.Pop());
        }

        return _builder.ToString();
    }

    private bool Full => _builder.Length >= _limit;

    /// <summary>The key of a member as JavaScript reads it (escapes decoded); the raw text when .NET cannot decode it.</summary>
    private static string KeyOf(string member)
    {
        var raw = member[..(member.IndexOf("\":", 1, StringComparison.Ordinal) + 1)];
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<string>(raw)!;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return raw;
        }
    }

    private void WriteValue(int depth)
    {
        if (depth < _maxDepth && !Full)
        {
            switch (_r.Next(10))
            {
                case 0 or 1:
                    WriteObject(depth + 1);
                    return;
                case 2:
                    WriteArray(depth + 1);
                    return;
            }
        }

        WriteScalar();
    }

    private void WriteObject(int depth)
    {
        _builder.Append('{');
        Space();
        var count = _r.Next(depth == 1 ? 9 : 5);
        var keys = new List<string>();
        for (var i = 0; i < count && !Full; i++)
        {
            if (i > 0)
            {
                _builder.Append(',');
                Space();
            }

            WriteMember(depth, keys);
            Space();
        }

        _builder.Append('}');
    }

    private void WriteMember(int depth, List<string> keys)
    {
        string key;
        if (keys.Count > 0 && _r.Next(12) == 0)
        {
            key = keys[_r.Next(keys.Count)];
            HasRepeatedKey = true;
        }
        else
        {
            key = _r.Next(10) switch
            {
                0 => _r.Next(3) switch { 0 => _r.Next(100).ToString(CultureInfo.InvariantCulture), 1 => "4294967295", _ => "0" + _r.Next(10) },
                1 => new[] { string.Empty, "__proto__", "constructor", "cookie", "$binary", "toString" }[_r.Next(6)],
                _ => RandomText(1 + _r.Next(8)),
            };

            if (keys.Contains(key))
            {
                HasRepeatedKey = true;
            }
        }

        keys.Add(key);
        WriteString(key);
        Space();
        _builder.Append(':');
        Space();
        WriteValue(depth);
    }

    private void WriteArray(int depth)
    {
        _builder.Append('[');
        var count = _r.Next(5);
        for (var i = 0; i < count && !Full; i++)
        {
            if (i > 0)
            {
                _builder.Append(',');
            }

            Space();
            WriteValue(depth);
            Space();
        }

        _builder.Append(']');
    }

    private void WriteScalar()
    {
        switch (_r.Next(8))
        {
            case 0 or 1 or 2:
                WriteString(RandomText(_r.Next(12)));
                break;
            case 3 or 4:
                _builder.Append(Number());
                break;
            case 5:
                _builder.Append("true");
                break;
            case 6:
                _builder.Append("false");
                break;
            default:
                _builder.Append("null");
                break;
        }
    }

    private string Number() => (_plain ? new[] { 0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 13 }[_r.Next(11)] : _r.Next(14)) switch
    {
        0 => "0",
        1 => "-0",
        2 => _r.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
        3 => _r.NextInt64().ToString(CultureInfo.InvariantCulture),
        4 => "9007199254740993",
        5 => (_r.NextDouble() * 1000).ToString("R", CultureInfo.InvariantCulture),
        6 => "1e21",
        7 => "1E-7",
        8 => "1e400",
        9 => "-1e400",
        10 => "1e-400",
        11 => "123456789012345678901234567890",
        12 => "1.5e+" + _r.Next(400).ToString(CultureInfo.InvariantCulture),
        _ => "0.1",
    };

    private string RandomText(int length)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            switch (_r.Next(20))
            {
                case 0:
                    builder.Append((char)_r.Next(0, 0x20));
                    break;
                case 1:
                    builder.Append(new[] { "é", "中", "\u2028", "\ufeff", "\uffff", "\u0080", "\u07ff", "\u0800" }[_r.Next(8)]);
                    break;
                case 2:
                    builder.Append(char.ConvertFromUtf32(_r.Next(0x10000, 0x110000)));
                    break;
                case 3:
                    builder.Append("\"\\/"[_r.Next(3)]);
                    break;
                case 4 when !_plain && _r.Next(6) == 0:
                    builder.Append((char)_r.Next(0xD800, 0xE000));
                    break;
                default:
                    builder.Append((char)_r.Next(0x20, 0x7F));
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>A JSON string: what must be escaped is, and some other characters are escaped at random.</summary>
    private void WriteString(string text)
    {
        _builder.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (_r.Next(4) == 0)
                {
                    _builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}\\u{(int)text[i + 1]:X4}");
                }
                else
                {
                    _builder.Append(c).Append(text[i + 1]);
                }

                i++;
            }
            else if (char.IsSurrogate(c))
            {
                HasLoneSurrogate = true;
                _builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else if (c is '"' or '\\')
            {
                _builder.Append('\\').Append(c);
            }
            else if (c < 0x20 || _r.Next(12) == 0)
            {
                var shortEscape = c switch { '\b' => "\\b", '\f' => "\\f", '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", '/' => "\\/", _ => null };
                _builder.Append(shortEscape is not null && _r.Next(2) == 0 ? shortEscape : FormattableString.Invariant($"\\u{(int)c:X4}"));
            }
            else
            {
                _builder.Append(c);
            }
        }

        _builder.Append('"');
    }

    private void Space()
    {
        if (_r.Next(10) == 0)
        {
            _builder.Append(" \t\n\r"[_r.Next(4)]);
        }
    }
}
