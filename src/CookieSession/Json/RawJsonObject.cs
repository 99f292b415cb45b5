using System.Text.Json;
using System.Text.Json.Nodes;

namespace CookieSession.Json;

/// <summary>
/// A JSON object read in place, with <see cref="Utf8JsonReader"/>: validated once, then its top-level
/// properties found or enumerated as raw UTF-8, without building a document. Repeated keys mean what
/// JavaScript's <c>JSON.parse</c> makes of them: the last value wins, in the place of the first.
/// </summary>
internal static class RawJsonObject
{
    private static readonly JsonReaderOptions s_options = new() { MaxDepth = CookieSessionDefaults.MaxDepth };

    /// <summary>
    /// Whether <paramref name="json"/> is exactly one JSON object nested at most
    /// <see cref="CookieSessionDefaults.MaxDepth"/> deep; and whether a top-level key repeats.
    /// </summary>
    public static bool TryValidate(ReadOnlySpan<byte> json, out bool repeatedKeys)
    {
        repeatedKeys = false;
        try
        {
            var reader = new Utf8JsonReader(json, s_options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            // Up to 32 names are compared; an escaped name, or a 33rd key, counts as "may repeat", which only
            // sends the session down the slower tree path, never to a wrong answer.
            Span<Range> names = stackalloc Range[32];
            var count = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var start = (int)reader.TokenStartIndex + 1;
                var name = new Range(start, start + reader.ValueSpan.Length);
                if (!repeatedKeys)
                {
                    repeatedKeys = reader.ValueIsEscaped || count == names.Length || Repeats(json, names[..count], name);
                    if (count < names.Length)
                    {
                        names[count++] = name;
                    }
                }

                reader.Read();
                reader.Skip();
            }

            // The object is closed and nothing follows it.
            return reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0 && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The raw value of the top-level property <paramref name="key"/>, in an object whose top-level keys
    /// do not repeat (as <see cref="TryValidate"/> reported).
    /// </summary>
    public static bool TryGetValue(ReadOnlySpan<byte> json, string key, out ReadOnlySpan<byte> value)
    {
        Span<byte> utf8Key = key.Length <= 128 ? stackalloc byte[key.Length * 3] : new byte[key.Length * 3];
        utf8Key = utf8Key[..System.Text.Encoding.UTF8.GetBytes(key, utf8Key)];
        var enumerator = new Enumerator(json);
        while (enumerator.MoveNext())
        {
            if (enumerator.NameEquals(utf8Key, key))
            {
                value = enumerator.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Builds the tree JavaScript's <c>JSON.parse</c> would: a copy, owing nothing to <paramref name="json"/>.</summary>
    public static JsonObject ToTree(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, s_options);
        reader.Read();
        return (JsonObject)Build(ref reader)!;
    }

    /// <summary>A JSON value from its raw text, as a node: last key wins, numbers as JavaScript holds them.</summary>
    public static JsonNode? ToNode(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, s_options);
        reader.Read();
        return Build(ref reader);
    }

    private static JsonNode? Build(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JsonObject();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    reader.Read();

                    // Assigning keeps the first place of a repeated key and its last value.
                    obj[name] = Build(ref reader);
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new JsonArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(Build(ref reader));
                }

                return array;
            case JsonTokenType.String:
                return JsonValue.Create(reader.GetString()!);
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var int64))
                {
                    return JsonValue.Create(int64);
                }

                // JavaScript holds every number as a double; one too large for it is Infinity (written as null).
                return JsonValue.Create(reader.TryGetDouble(out var float64) ? float64 : double.PositiveInfinity);
            case JsonTokenType.True:
                return JsonValue.Create(true);
            case JsonTokenType.False:
                return JsonValue.Create(false);
            default:
                return null;
        }
    }

    private static bool Repeats(ReadOnlySpan<byte> json, ReadOnlySpan<Range> earlier, Range name)
    {
        var bytes = json[name];
        foreach (var other in earlier)
        {
            if (json[other].SequenceEqual(bytes))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The top-level properties of a validated object, in order, as raw UTF-8.</summary>
    public ref struct Enumerator
    {
        private Utf8JsonReader _reader;
        private readonly ReadOnlySpan<byte> _json;
        private int _nameStart;

        public Enumerator(ReadOnlySpan<byte> json)
        {
            _json = json;
            _reader = new Utf8JsonReader(json, s_options);
            if (!json.IsEmpty)
            {
                _reader.Read();
            }
        }

        /// <summary>The name as written, escapes included, without its quotes.</summary>
        public ReadOnlySpan<byte> RawName { get; private set; }

        /// <summary>The value as written.</summary>
        public ReadOnlySpan<byte> Value { get; private set; }

        private bool NameIsEscaped { get; set; }

        public bool MoveNext()
        {
            if (_json.IsEmpty || !_reader.Read() || _reader.TokenType != JsonTokenType.PropertyName)
            {
                return false;
            }

            _nameStart = (int)_reader.TokenStartIndex;
            RawName = _json.Slice(_nameStart + 1, _reader.ValueSpan.Length);
            NameIsEscaped = _reader.ValueIsEscaped;
            _reader.Read();
            var valueStart = (int)_reader.TokenStartIndex;
            _reader.Skip();
            Value = _json[valueStart..(int)_reader.BytesConsumed];
            return true;
        }

        public readonly bool NameEquals(string key)
        {
            if (!NameIsEscaped && (RawName.Length < key.Length || RawName.Length > key.Length * 3))
            {
                return false;
            }

            Span<byte> utf8Key = key.Length <= 128 ? stackalloc byte[key.Length * 3] : new byte[key.Length * 3];
            return NameEquals(utf8Key[..System.Text.Encoding.UTF8.GetBytes(key, utf8Key)], key);
        }

        /// <summary>Compares with a key given both as UTF-8 and as text (the text serves escaped names).</summary>
        public readonly bool NameEquals(ReadOnlySpan<byte> utf8Key, string key)
        {
            if (!NameIsEscaped)
            {
                return RawName.SequenceEqual(utf8Key);
            }

            // An escaped name: read it as the string it is.
            var reader = new Utf8JsonReader(_json[_nameStart..]);
            reader.Read();
            return reader.ValueTextEquals(key);
        }

        public readonly string Name()
        {
            if (!NameIsEscaped)
            {
                return System.Text.Encoding.UTF8.GetString(RawName);
            }

            var reader = new Utf8JsonReader(_json[_nameStart..]);
            reader.Read();
            return reader.GetString()!;
        }
    }
}
