using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CookieSession.Json;

namespace CookieSession.Tests.Json;

public sealed class JsSerializerTests
{
    private static readonly JsonSerializerOptions s_web = new(JsonSerializerDefaults.Web);

    private sealed record Item(string Name, List<string?> Tags);

    [Fact]
    public void Deserialize_LoneSurrogatesInStringsOfAnyType_AreKept()
    {
        var json = "{\"name\":\"a\\ud83d\",\"tags\":[\"\\udc00\",\"😀\",null]}"u8;

        var item = JsSerializer.Deserialize<Item>(json, s_web, null)!;

        Assert.Equal("a\ud83d", item.Name);
        Assert.Equal(new string?[] { "\udc00", "😀", null }, item.Tags);
        Assert.Equal("\ud83d", JsSerializer.Deserialize<string>("\"\\ud83d\""u8, s_web, null));
    }

    [Fact]
    public void SerializeToNode_LoneSurrogates_WrittenAsJsonStringifyWritesThem()
    {
        var node = JsSerializer.SerializeToNode(new Item("a\ud83d", ["\udc00", "😀"]), s_web, null);

        Assert.Equal("{\"name\":\"a\\ud83d\",\"tags\":[\"\\udc00\",\"😀\"]}", Write(node));
    }

    [Fact]
    public void DeserializeNode_LoneSurrogates_KeptForNodesAndClrTypes()
    {
        var tree = RawJsonObject.ToTree("{\"item\":{\"name\":\"\\ud83d\",\"tags\":[\"x\\udc00\"]}}"u8);
        var node = tree["item"]!;

        var copy = JsSerializer.Deserialize<JsonObject>(node, s_web, null)!;
        var item = JsSerializer.Deserialize<Item>(node, s_web, null)!;

        Assert.NotSame(node, copy);
        Assert.Equal("\ud83d", copy["name"]!.GetValue<string>());
        Assert.Equal("\ud83d", item.Name);
        Assert.Equal(["x\udc00"], item.Tags);
    }

    [Fact]
    public void WithJsStrings_OncePerOptions_AndTheApplicationsStringConverterWins()
    {
        var options = new JsonSerializerOptions(s_web);
        options.Converters.Add(new UpperCase());

        Assert.Same(JsSerializer.WithJsStrings(options), JsSerializer.WithJsStrings(options));
        Assert.Equal("ABC", JsSerializer.Deserialize<string>("\"abc\""u8, options, null));
        Assert.True(JsSerializer.WithJsStrings(options).PropertyNameCaseInsensitive);
    }

    [Fact]
    public void Deserialize_DictionaryKeyWithLoneSurrogate_StillRefusedBySystemTextJson()
    {
        // The serializer reads every dictionary key with GetString() before any converter: a known limit.
        Assert.Throws<JsonException>(() => JsSerializer.Deserialize<Dictionary<string, int>>("{\"\\ud800\":1}"u8, s_web, null));
        Assert.Equal(1, JsSerializer.Deserialize<Dictionary<string, int>>("{\"\\u0041\":1}"u8, s_web, null)!["A"]);
    }

    private static string Write(JsonNode? node)
    {
        var buffer = new PooledByteBuffer(64);
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

    private sealed class UpperCase : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString()?.ToUpperInvariant();

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
