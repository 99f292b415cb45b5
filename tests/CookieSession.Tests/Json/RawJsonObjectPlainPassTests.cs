using System.Text;
using CookieSession.Json;

namespace CookieSession.Tests.Json;

/// <summary>
/// The quick pass over plain JSON (<see cref="RawJsonObject.TryValidatePlain"/>) against <see cref="System.Text.Json.Utf8JsonReader"/>'s
/// validation: it may only ever say yes where the reader says yes, with the same answers, and it takes the sessions
/// that JavaScript and the peers write.
/// </summary>
public sealed class RawJsonObjectPlainPassTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("{\"userId\":\"7f1c2a9e-4b3d-4c8e-9a61-0d5e2f7b8c34\",\"name\":\"Ada Lovelace\",\"roles\":[\"admin\",\"editor\"],\"counter\":41,\"ok\":true,\"none\":null}")]
    [InlineData("{\"n\":-0.5e+10,\"m\":0,\"o\":{\"p\":[[],{},[1,2.25,-3E-2]]},\"f\":false}")]
    [InlineData(" {\"a\" : 1 ,\r\n\t\"b\":[ 1 , 2 ] } ")]
    [InlineData("{\"1\":1,\"2\":2,\"a\":3}")]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"b\":1,\"1\":2}")]
    public void PlainJson_TakesTheQuickPass_WithTheReadersAnswers(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.True(RawJsonObject.TryValidatePlain(bytes, out var needsTree, out var index));

        Assert.True(RawJsonObject.TryValidateWithReader(bytes, out var readerNeedsTree, out var readerIndex));
        Assert.Equal(readerNeedsTree, needsTree);
        Assert.Equal(readerIndex, index);
    }

    [Theory]
    [InlineData("{\"a\":\"\\u0041\"}")]
    [InlineData("{\"a\\\"b\":1}")]
    [InlineData("{\"é\":1}")]
    [InlineData("deep")]
    public void JsonBeyondPlain_IsLeftToTheReader(string json)
    {
        // Deeper than the quick pass follows, within what the reader accepts.
        json = json == "deep" ? "{\"a\":" + new string('[', 40) + "1" + new string(']', 40) + "}" : json;
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.False(RawJsonObject.TryValidatePlain(bytes, out _, out _));
        Assert.True(RawJsonObject.TryValidate(bytes, out _, out _));
    }

    [Theory]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\":[1,]}")]
    [InlineData("{\"a\":.5}")]
    [InlineData("{\"a\":1.}")]
    [InlineData("{\"a\":-}")]
    [InlineData("{\"a\":+1}")]
    [InlineData("{\"a\":tru}")]
    [InlineData("{\"a\":truex}")]
    [InlineData("{\"a\":NaN}")]
    [InlineData("{\"a\":\"x\u0001\"}")]
    [InlineData("{\"a\":1}x")]
    [InlineData("{\"a\":1}{}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{a:1}")]
    [InlineData("{\"a\":1 /* c */}")]
    [InlineData("{\"a\":[1}")]
    [InlineData("{\"a\":{\"b\":1]}")]
    [InlineData("[1]")]
    [InlineData("")]
    public void InvalidJson_IsRefusedByBoth(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.False(RawJsonObject.TryValidatePlain(bytes, out _, out _));
        Assert.False(RawJsonObject.TryValidate(bytes, out _, out _));
    }

    [Fact]
    public void RandomJsonAndItsMutations_TheQuickPassNeverDisagreesWithTheReader()
    {
        // Random objects in and beyond the plain subset, and each cut, spliced or with a byte changed: wherever the quick
        // pass says yes, the reader says yes with the same index and the same need for a tree.
        var random = new Random(20261206);
        var plainYes = 0;
        for (var round = 0; round < 20_000; round++)
        {
            var json = Encoding.UTF8.GetBytes(RandomObject(random, depth: 0));
            foreach (var candidate in new[] { json, Mutated(random, json), Mutated(random, Mutated(random, json)) })
            {
                if (PlainPassAgreesWithReader(candidate))
                {
                    plainYes++;
                }
            }
        }

        // The comparison ran on many inputs, not on none.
        Assert.True(plainYes >= 5_000, $"{plainYes}");
    }

    public static TheoryData<string> HostileJson()
    {
        // Keys JavaScript orders or treats apart, numbers at the edges of the grammar and of a double, control characters,
        // DEL, whitespace JSON does not know, trailing commas, non-objects, escapes, and nesting and key counts on both
        // sides of the quick pass's limits (32 deep, 32 keys compared) and of the reader's (64 deep).
        string[] cases =
        [
            "{\"a\":1,\"a\":2}", "{\"\":1,\"\":2}", "{\"0\":1,\"01\":2}", "{\"01\":1,\"0\":2}", "{\"-1\":1,\"0\":2}",
            "{\"4294967294\":1,\"4294967295\":2}", "{\"4294967295\":1,\"4294967294\":2}", "{\"4294967294\":1,\"1\":2}",
            "{\"__proto__\":{}}", "{\"__proto__\":1,\"__proto__\":2}", "{\"kA\":1,\"k\\u0041\":2}", "{\"k\\u0041\":1,\"kA\":2}",
            "{\"a\":-0}", "{\"a\":1e400}", "{\"a\":-1e-400}", "{\"a\":1E+99999999999999999999}", "{\"a\":01}", "{\"a\":-01}",
            "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":1e+}", "{\"a\":--1}", "{\"a\":0x1}", "{\"a\":Infinity}",
            "{\"a\":\"\u007f\"}", "{\"\u007f\":1}", "{\"a\":\"\u001f\"}", "{\"a\":\"\t\"}", "{\"a\":\"\u0000\"}",
            "{\"a\":1,}", "{,}", "{\"a\":[,]}", "{\"a\":[1,,2]}", "\u000b{}", "{}\u000c", "{\u00a0}", "\ufeff{}", "{}\u0000",
            "[]", "\"a\"", "1", "null", "{}}", "{{}}", "{\"a\"}", "{\"a\":}", "{\"a\":1\"b\":2}", "{\"a\":True}",
            "{\"a\":\"b\"c\"}", "{\"a\":\"\\\"}", "{\"a\":\"x\\u00\"}", "{\"a\":\"\\ud800\"}", "{\"a\":/**/1}", "{'a':1}",
        ];
        var data = new TheoryData<string>(cases);
        foreach (var depth in new[] { 31, 32, 33, 63, 64, 65 })
        {
            data.Add("{\"a\":" + new string('[', depth) + new string(']', depth) + "}");
            data.Add("{\"a\":" + string.Concat(Enumerable.Repeat("{\"b\":", depth)) + "1" + new string('}', depth) + "}");
        }

        foreach (var count in new[] { 31, 32, 33 })
        {
            data.Add("{" + string.Join(",", Enumerable.Range(0, count).Select(i => $"\"k{i}\":{i}")) + "}");
            data.Add("{" + string.Join(",", Enumerable.Range(0, count).Select(i => $"\"{i}\":{i}")) + ",\"0\":1}");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HostileJson))]
    public void HostileJson_TheQuickPassNeverSaysYesWhereTheReaderSaysNo(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = RawJsonObject.TryValidateWithReader(bytes, out var readerNeedsTree, out var readerIndex);

        if (RawJsonObject.TryValidatePlain(bytes, out var needsTree, out var index))
        {
            Assert.True(reader);
            Assert.Equal(readerNeedsTree, needsTree);
            Assert.Equal(readerIndex, index);
        }

        Assert.Equal(reader, RawJsonObject.TryValidate(bytes, out _, out _));
    }

    [Theory]
    [InlineData("EFBBBF7B7D")]
    [InlineData("7B2261223A22EDA080227D")]
    [InlineData("7B2261223A2280227D")]
    [InlineData("7B2261223A22C0AF227D")]
    public void BytesBeyondAscii_AreLeftToTheReader(string hex)
    {
        // A byte order mark, a lone surrogate spelled raw, a lone continuation byte, an overlong '/': whatever the reader
        // makes of them (it refuses the mark; it leaves a string's UTF-8 to the codecs), the quick pass does not answer.
        var bytes = Convert.FromHexString(hex);

        Assert.False(RawJsonObject.TryValidatePlain(bytes, out _, out _));
        Assert.Equal(RawJsonObject.TryValidateWithReader(bytes, out _, out _), RawJsonObject.TryValidate(bytes, out _, out _));
    }

    [Fact]
    public void PlainStrings_OfEveryLengthAcrossBlocks_TakeTheQuickPass_WithTheReadersAnswers()
    {
        // The quick pass finds where strings end 64 bytes at a time: strings starting, ending and running through each
        // place of a block, the JSON's last and partial block included, several strings to a block or one over many.
        for (var length = 0; length <= 200; length++)
        {
            foreach (var json in new[]
            {
                "{\"a\":\"" + new string('x', length) + "\"}",
                "{\"" + new string('k', length) + "\":[\"" + new string('y', length % 7) + "\",\"\",1],\"b\":\"" + new string('z', 200 - length) + "\"}",
            })
            {
                var bytes = Encoding.ASCII.GetBytes(json);

                Assert.True(RawJsonObject.TryValidatePlain(bytes, out var needsTree, out var index), json);
                Assert.True(RawJsonObject.TryValidateWithReader(bytes, out var readerNeedsTree, out var readerIndex));
                Assert.Equal(readerNeedsTree, needsTree);
                Assert.Equal(readerIndex, index);
            }
        }
    }

    [Theory]
    [InlineData("5C", false)]
    [InlineData("01", false)]
    [InlineData("1F", false)]
    [InlineData("09", false)]
    [InlineData("C3A9", false)]
    [InlineData("7F", true)]
    [InlineData("20", true)]
    public void AByteInAString_AtEveryPlaceOfABlock_StopsTheQuickPassOnlyWhereItShould(string hex, bool plain)
    {
        // A backslash, a control character or a byte beyond ASCII ends the quick pass wherever it lies, in a full block
        // or in the last, partial one; DEL and a space do not. Either way the reader gives the answer TryValidate gives.
        var odd = Convert.FromHexString(hex);
        for (var length = 1; length <= 140; length++)
        {
            for (var at = 0; at < length; at++)
            {
                var bytes = Encoding.ASCII.GetBytes("{\"a\":\"" + new string('x', at)).Concat(odd)
                    .Concat(Encoding.ASCII.GetBytes(new string('x', length - at - 1) + "\"}")).ToArray();

                Assert.Equal(plain, RawJsonObject.TryValidatePlain(bytes, out _, out _));
                Assert.Equal(RawJsonObject.TryValidateWithReader(bytes, out _, out _), RawJsonObject.TryValidate(bytes, out _, out _));
            }
        }
    }

    [Fact]
    public void RandomAsciiMutations_TheQuickPassNeverDisagreesWithTheReader()
    {
        // Any ASCII byte (control characters and DEL included) removed, inserted or replaced anywhere, in objects near the
        // quick pass's depth limit too.
        string[] seeds =
        [
            "{\"a\":1,\"b\":[true,false,null,\"x\"],\"c\":{\"d\":-0.5e+3},\"1\":2}",
            "{\"0\":{},\"1\":[],\"2\":\"\",\"k\":[[[[1]]]]}",
            "{\"a\":" + new string('[', 31) + new string(']', 31) + "}",
            "{\"a\":" + new string('[', 32) + new string(']', 32) + "}",
        ];
        var random = new Random(20261207);
        var plainYes = 0;
        for (var round = 0; round < 100_000; round++)
        {
            var bytes = Encoding.ASCII.GetBytes(seeds[random.Next(seeds.Length)]).ToList();
            for (var change = random.Next(1, 4); change > 0; change--)
            {
                var at = random.Next(bytes.Count);
                var b = (byte)random.Next(0, 128);
                switch (random.Next(3))
                {
                    case 0: bytes.RemoveAt(at); break;
                    case 1: bytes.Insert(at, b); break;
                    default: bytes[at] = b; break;
                }
            }

            var json = bytes.ToArray();
            if (PlainPassAgreesWithReader(json))
            {
                plainYes++;
            }
        }

        Assert.True(plainYes >= 1_000, $"{plainYes}");
    }

    private static byte[] Mutated(Random random, byte[] json)
    {
        if (json.Length == 0)
        {
            return json;
        }

        var copy = json.ToList();
        var at = random.Next(copy.Count);
        const string Bytes = "{}[]\",:0123456789-+.eEtrufalsn \t\\/x\u0001";
        switch (random.Next(3))
        {
            case 0:
                copy.RemoveAt(at);
                break;
            case 1:
                copy.Insert(at, (byte)Bytes[random.Next(Bytes.Length)]);
                break;
            default:
                copy[at] = (byte)Bytes[random.Next(Bytes.Length)];
                break;
        }

        return [.. copy];
    }

    private static string RandomObject(Random random, int depth)
    {
        var members = Enumerable.Range(0, random.Next(0, depth == 0 ? 8 : 4))
            .Select(_ => RandomString(random) + Space(random) + ":" + Space(random) + RandomValue(random, depth + 1));
        return "{" + Space(random) + string.Join("," + Space(random), members) + Space(random) + "}";
    }

    private static string RandomValue(Random random, int depth)
    {
        switch (random.Next(depth > 5 ? 6 : 8))
        {
            case 0: return RandomString(random);
            case 1: return random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" };
            case 2: return random.Next(-1000, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case 3: return (random.NextDouble() * 1e6).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            case 4: return random.Next(2) == 0 ? "1e5" : "-0.25E-3";
            case 5: return random.Next(2) == 0 ? "\"" + random.Next(10) + "\"" : RandomString(random);
            case 6: return "[" + string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomValue(random, depth + 1))) + "]";
            default: return RandomObject(random, depth);
        }
    }

    private static string RandomString(Random random)
    {
        // Mostly plain, sometimes with an escape, a non-ASCII character, or a key JavaScript orders first.
        return random.Next(12) switch
        {
            0 => "\"a\\\"b\"",
            1 => "\"é\"",
            2 => "\"" + random.Next(5) + "\"",
            3 => "\"\\u0061\"",
            _ => "\"" + new string((char)('a' + random.Next(4)), random.Next(0, 3)) + "\"",
        };
    }

    private static string Space(Random random) => random.Next(6) switch { 0 => " ", 1 => "\n", _ => string.Empty };

    /// <summary>
    /// Whether the quick pass said yes; where it did, the reader must say yes too, with the same answers.
    /// </summary>
    private static bool PlainPassAgreesWithReader(byte[] json)
    {
        if (!RawJsonObject.TryValidatePlain(json, out var needsTree, out var index))
        {
            return false;
        }

        Assert.True(RawJsonObject.TryValidateWithReader(json, out var readerNeedsTree, out var readerIndex), Encoding.UTF8.GetString(json));
        Assert.Equal(readerNeedsTree, needsTree);
        Assert.Equal(readerIndex, index);
        return true;
    }
}
