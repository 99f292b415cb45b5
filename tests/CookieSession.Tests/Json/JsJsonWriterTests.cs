using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Json;

namespace CookieSession.Tests.Json;

/// <summary>Expected texts are what JSON.stringify printed on Node 20 for the same values.</summary>
public sealed class JsJsonWriterTests
{
    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("quote\"back\\slash", "\"quote\\\"back\\\\slash\"")]
    [InlineData("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"")]
    [InlineData("\u0000\u0001\u001f\u007f", "\"\\u0000\\u0001\\u001f\u007f\"")]
    [InlineData("<script>&\u2028\u2029", "\"<script>&\u2028\u2029\"")]
    [InlineData("é€😀", "\"é€😀\"")]
    public void WriteString_MatchesJsonStringify(string value, string expected)
        => Assert.Equal(expected, Write(JsonValue.Create(value)));

    [Fact]
    public void WriteString_EveryAsciiCharacterAmongLongPlainRuns_FollowsJsonStringifysRules()
    {
        // Plain runs longer than a vector, each ASCII character between them, at every alignment.
        var value = new StringBuilder();
        var expected = new StringBuilder("\"");
        for (var c = 0; c < 128; c++)
        {
            var run = new string('a', 17 + (c % 40));
            value.Append(run).Append((char)c);
            expected.Append(run).Append((char)c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\u{c:x4}",
                _ => ((char)c).ToString(),
            });
        }

        expected.Append('"');
        Assert.Equal(expected.ToString(), Write(JsonValue.Create(value.ToString())));
    }

    [Fact]
    public void WriteString_LoneSurrogates_AreEscapedInLowerCase()
    {
        // Built from char codes: test-case serialization would replace lone surrogates.
        Assert.Equal("\"\\ud800 lone\"", Write(JsonValue.Create((char)0xD800 + " lone")));
        Assert.Equal("\"lone \\udc00\"", Write(JsonValue.Create("lone " + (char)0xDC00)));
        Assert.Equal("\"😀\\ud83d\"", Write(JsonValue.Create("😀" + (char)0xD83D)));
    }

    [Fact]
    public void WriteString_LoneSurrogatesInKeysAndNestedValues_AreEscaped()
    {
        var value = new JsonObject
        {
            [((char)0xD800).ToString()] = new JsonArray("a" + (char)0xDC00 + "b", new JsonObject { ["k" + (char)0xDFFF] = new JsonArray(((char)0xD83D).ToString()) }),
        };

        Assert.Equal("{\"\\ud800\":[\"a\\udc00b\",{\"k\\udfff\":[\"\\ud83d\"]}]}", Write(value));
    }

    // JsonNode.Parse keeps values as JsonElements, which cannot give a lone surrogate as a string.
    [Theory]
    [InlineData("\"\\ud83d\"", "\"\\ud83d\"")]
    [InlineData("\"\\uD83D\"", "\"\\ud83d\"")]
    [InlineData("\"a\\udc00b\"", "\"a\\udc00b\"")]
    [InlineData("\"\\ud83d\\ude00\\u0041\\/\"", "\"😀A/\"")]
    [InlineData("[\"\\ud83d\",{\"b\":\"x\\udc00\"}]", "[\"\\ud83d\",{\"b\":\"x\\udc00\"}]")]
    public void WriteNode_ValuesBackedByJsonElement_KeepLoneSurrogates(string json, string expected)
        => Assert.Equal(expected, Write(JsonNode.Parse(json)));

    [Fact]
    public void WriteNode_JsonValueCreatedFromAJsonElement_KeepsLoneSurrogates()
    {
        using var document = System.Text.Json.JsonDocument.Parse("[\"\\ud83d\",\"a\\udc00\"]");

        Assert.Equal("\"\\ud83d\"", Write(JsonValue.Create(document.RootElement[0])));
        Assert.Equal("\"a\\udc00\"", Write(JsonValue.Create(document.RootElement[1])));
    }

    [Fact]
    public void WriteNode_LoneSurrogateChar_IsEscaped()
        => Assert.Equal("\"\\ud83d\"", Write(JsonValue.Create((char)0xD83D)));

    [Theory]
    [InlineData(0d, "0")]
    [InlineData(-1d, "-1")]
    [InlineData(1.5, "1.5")]
    [InlineData(9007199254740992d, "9007199254740992")]
    [InlineData(9007199254740994d, "9007199254740994")]
    [InlineData(1e21, "1e+21")]
    [InlineData(2.9802322387695312e-8, "2.9802322387695312e-8")]
    [InlineData(4.1045368012983762e-289, "4.1045368012983762e-289")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1e-6, "0.000001")]
    [InlineData(123e-20, "1.23e-18")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(123456789012345680000d, "123456789012345680000")]
    [InlineData(-1.5e-10, "-1.5e-10")]
    [InlineData(100d, "100")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(double.NaN, "null")]
    [InlineData(double.PositiveInfinity, "null")]
    public void WriteNumber_MatchesJsonStringify(double value, string expected)
        => Assert.Equal(expected, Write(JsonValue.Create(value)));

    [Theory]
    [InlineData("1e21", "1e+21")]
    [InlineData("12345678901234567890", "12345678901234567890")]
    [InlineData("1e400", "null")]
    [InlineData("1.50", "1.5")]
    [InlineData("-0", "0")]
    public void WriteNumber_ParsedText_IsCanonicalized(string json, string expected)
        => Assert.Equal(expected, Write(JsonNode.Parse(json)));

    [Fact]
    public void WriteNumber_NegativeZero_IsZero()
        => Assert.Equal("0", Write(JsonValue.Create(-0d)));

    [Fact]
    public void WriteNumber_LargeLongFromDotNet_IsKeptExact()
        => Assert.Equal("9007199254740993", Write(JsonValue.Create(9007199254740993L)));

    [Fact]
    public void WriteObject_IntegerLikeKeysFirstAscending_ThenInsertionOrder()
    {
        var value = new JsonObject { ["b"] = 1, ["7"] = 2, ["a"] = 3, ["1"] = 4, ["01"] = 5, ["4294967295"] = 6, ["4294967294"] = 7 };
        Assert.Equal("{\"1\":4,\"7\":2,\"4294967294\":7,\"b\":1,\"a\":3,\"01\":5,\"4294967295\":6}", Write(value));
    }

    [Fact]
    public void WriteObject_OtherClrValues_UseTheirJson()
    {
        var value = new JsonObject
        {
            ["date"] = JsonValue.Create(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)),
            ["decimal"] = JsonValue.Create(1.10m),
            ["guid"] = JsonValue.Create(Guid.Empty),
        };
        Assert.Equal("{\"date\":\"2026-01-02T03:04:05Z\",\"decimal\":1.1,\"guid\":\"00000000-0000-0000-0000-000000000000\"}", Write(value));
    }

    [Fact]
    public void WriteObject_NestedDeeperThanLimit_Throws()
    {
        JsonNode node = new JsonObject();
        var root = node;
        for (var i = 0; i < CookieSessionDefaults.MaxDepth; i++)
        {
            var child = new JsonObject();
            node.AsObject()["a"] = child;
            node = child;
        }

        var error = Assert.Throws<InvalidOperationException>(() => Write(root));
        Assert.Contains("nested more than 64 levels", error.Message, StringComparison.Ordinal);
    }

    private static string Write(JsonNode? node)
    {
        var buffer = new PooledByteBuffer(16);
        try
        {
            JsJsonWriter.WriteNode(node, ref buffer, CookieSessionDefaults.MaxDepth);
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }
}
