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
                if (RawJsonObject.TryValidatePlain(candidate, out var needsTree, out var index))
                {
                    plainYes++;
                    Assert.True(RawJsonObject.TryValidateWithReader(candidate, out var readerNeedsTree, out var readerIndex), Encoding.UTF8.GetString(candidate));
                    Assert.Equal(readerNeedsTree, needsTree);
                    Assert.Equal(readerIndex, index);
                }
            }
        }

        // The comparison ran on many inputs, not on none.
        Assert.True(plainYes >= 5_000, $"{plainYes}");
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
}
