using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CookieSession.Json;

/// <summary>
/// A whole JSON value as <see cref="JsonNode.Parse(string, JsonNodeOptions?, JsonDocumentOptions)"/> gives it, values
/// kept as <see cref="JsonElement"/>s (so <c>GetValue&lt;T&gt;</c> converts as it always did), except that names and
/// strings holding a lone surrogate (<c>\ud83d</c>, which JavaScript's <c>JSON.stringify</c> writes) are decoded as
/// <c>JSON.parse</c> does, where <see cref="JsonNode"/> would throw when they are read.
/// </summary>
internal static class JsJsonParser
{
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = CookieSessionDefaults.MaxDepth };

    /// <summary>
    /// Parses one JSON value nested at most <see cref="CookieSessionDefaults.MaxDepth"/> deep; <see langword="false"/>
    /// for anything else. A name repeated within an object keeps its last value in the place of its first, as
    /// <c>JSON.parse</c> (and so cookie-parser) does.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> json, out JsonNode? node)
    {
        node = null;
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json, s_options);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return false;
        }

        node = Build(root);
        return true;
    }

    private static JsonNode? Build(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    // JsonProperty.Name would throw on a lone surrogate: decode the raw name.
                    var name = JsonMarshal.GetRawUtf8PropertyName(property);
                    obj[JsString.Decode(name, name.Contains((byte)'\\'))] = Build(property.Value);
                }

                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(Build(item));
                }

                return array;
            case JsonValueKind.String:
                var text = JsonMarshal.GetRawUtf8Value(element)[1..^1];
                if (text.Contains((byte)'\\') && JsString.Decode(text, escaped: true) is var decoded && JsString.HasLoneSurrogate(decoded))
                {
                    return JsonValue.Create(decoded);
                }

                return JsonValue.Create(element);
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element);
        }
    }
}
