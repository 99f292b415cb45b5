using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CookieSession.Json;

/// <summary>
/// Writes JSON exactly as JavaScript's <c>JSON.stringify</c> does, so that Node and .NET produce the same
/// bytes for the same session (and so detect "unmodified" alike): no white space; object keys in
/// insertion order except that integer-like keys come first in ascending order; only <c>"</c>, <c>\</c>,
/// control characters and lone surrogates escaped, with <c>\u00xx</c> in lower case; everything else,
/// <c>U+2028</c> and non-BMP characters included, written as UTF-8; numbers as <see cref="JsNumber"/> writes them.
/// Integers written by .NET beyond 2^53 are kept exact (JavaScript would round them when it reads them).
/// </summary>
internal static class JsJsonWriter
{
    /// <summary>What <c>JSON.stringify</c> writes as it is: ASCII from the space to DEL, but <c>"</c> and <c>\</c>.</summary>
    private static readonly SearchValues<char> s_plainAscii = SearchValues.Create(
        " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f");

    public static void WriteObject(JsonObject value, ref PooledByteBuffer buffer, int maxDepth)
        => WriteObject(value, ref buffer, maxDepth, 1);


    /// <summary>Writes <c>"key":value</c> as a member of the top-level object.</summary>
    public static void WriteMember(string key, JsonNode? value, ref PooledByteBuffer buffer, int maxDepth)
    {
        WriteString(key, ref buffer);
        buffer.WriteByte((byte)':');
        WriteNode(value, ref buffer, maxDepth, 1);
    }

    /// <summary>Writes <c>"key":value</c> for an integer, as a member of the top-level object.</summary>
    public static void WriteMember(string key, long value, ref PooledByteBuffer buffer)
    {
        WriteString(key, ref buffer);
        buffer.WriteByte((byte)':');
        JsNumber.Write(value, ref buffer);
    }

    /// <summary>
    /// Writes <c>"name":value</c> under a name already in JSON form (as it stands between the quotes of the object it
    /// came from, no escapes), as a member of the top-level object.
    /// </summary>
    public static void WriteMember(ReadOnlySpan<byte> jsonName, JsonNode? value, ref PooledByteBuffer buffer, int maxDepth)
    {
        WriteName(jsonName, ref buffer);
        WriteNode(value, ref buffer, maxDepth, 1);
    }

    /// <summary>Writes <c>"name":value</c> for an integer under a name already in JSON form.</summary>
    public static void WriteMember(ReadOnlySpan<byte> jsonName, long value, ref PooledByteBuffer buffer)
    {
        WriteName(jsonName, ref buffer);
        JsNumber.Write(value, ref buffer);
    }

    public static void WriteNode(JsonNode? node, ref PooledByteBuffer buffer, int maxDepth)
        => WriteNode(node, ref buffer, maxDepth, 0);

    private static void WriteName(ReadOnlySpan<byte> jsonName, ref PooledByteBuffer buffer)
    {
        var span = buffer.GetSpan(jsonName.Length + 3);
        span[0] = (byte)'"';
        jsonName.CopyTo(span[1..]);
        span[jsonName.Length + 1] = (byte)'"';
        span[jsonName.Length + 2] = (byte)':';
        buffer.Advance(jsonName.Length + 3);
    }

    private static void WriteNode(JsonNode? node, ref PooledByteBuffer buffer, int maxDepth, int depth)
    {
        switch (node)
        {
            case null:
                buffer.Write("null"u8);
                break;
            case JsonObject obj:
                WriteObject(obj, ref buffer, maxDepth, depth + 1);
                break;
            case JsonArray array:
                WriteArray(array, ref buffer, maxDepth, depth + 1);
                break;
            default:
                WriteValue(node.AsValue(), ref buffer, maxDepth, depth);
                break;
        }
    }

    private static void WriteObject(JsonObject obj, ref PooledByteBuffer buffer, int maxDepth, int depth)
    {
        CheckDepth(depth, maxDepth);
        buffer.WriteByte((byte)'{');
        var first = true;
        if (HasIndexKeys(obj))
        {
            // JavaScript enumerates array-index keys first, in ascending numeric order.
            var indexKeys = new List<KeyValuePair<uint, string>>();
            foreach (var property in obj)
            {
                if (TryParseIndex(property.Key, out var index))
                {
                    indexKeys.Add(new(index, property.Key));
                }
            }

            indexKeys.Sort(static (a, b) => a.Key.CompareTo(b.Key));
            foreach (var key in indexKeys)
            {
                WriteProperty(key.Value, obj[key.Value], ref buffer, maxDepth, depth, ref first);
            }

            foreach (var property in obj)
            {
                if (!TryParseIndex(property.Key, out _))
                {
                    WriteProperty(property.Key, property.Value, ref buffer, maxDepth, depth, ref first);
                }
            }
        }
        else
        {
            foreach (var property in obj)
            {
                WriteProperty(property.Key, property.Value, ref buffer, maxDepth, depth, ref first);
            }
        }

        buffer.WriteByte((byte)'}');
    }

    private static void WriteProperty(string key, JsonNode? value, ref PooledByteBuffer buffer, int maxDepth, int depth, ref bool first)
    {
        if (!first)
        {
            buffer.WriteByte((byte)',');
        }

        first = false;
        WriteString(key, ref buffer);
        buffer.WriteByte((byte)':');
        WriteNode(value, ref buffer, maxDepth, depth);
    }

    private static void WriteArray(JsonArray array, ref PooledByteBuffer buffer, int maxDepth, int depth)
    {
        CheckDepth(depth, maxDepth);
        buffer.WriteByte((byte)'[');
        for (var i = 0; i < array.Count; i++)
        {
            if (i > 0)
            {
                buffer.WriteByte((byte)',');
            }

            WriteNode(array[i], ref buffer, maxDepth, depth);
        }

        buffer.WriteByte((byte)']');
    }

    private static void WriteValue(JsonValue value, ref PooledByteBuffer buffer, int maxDepth, int depth)
    {
        if (value.TryGetValue(out JsonElement element))
        {
            WriteElement(element, ref buffer, maxDepth, depth);
        }
        else if (value.TryGetValue(out string? text))
        {
            WriteString(text, ref buffer);
        }
        else if (value.TryGetValue(out int int32))
        {
            JsNumber.Write(int32, ref buffer);
        }
        else if (value.TryGetValue(out long int64))
        {
            JsNumber.Write(int64, ref buffer);
        }
        else if (value.TryGetValue(out bool boolean))
        {
            buffer.Write(boolean ? "true"u8 : "false"u8);
        }
        else if (value.TryGetValue(out double float64))
        {
            JsNumber.Write(float64, ref buffer);
        }
        else if (value.TryGetValue(out char character))
        {
            // A string of one code unit, a lone surrogate too (System.Text.Json would write U+FFFD).
            WriteString(character.ToString(), ref buffer);
        }
        else
        {
            // Any other CLR value: let System.Text.Json say what JSON it is, then write that the JavaScript way.
            using var document = JsonDocument.Parse(value.ToJsonString());
            WriteElement(document.RootElement, ref buffer, maxDepth, depth);
        }
    }

    private static void WriteElement(JsonElement element, ref PooledByteBuffer buffer, int maxDepth, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                // GetString() refuses an escaped lone surrogate: decode the raw token as JSON.parse does.
                var text = JsonMarshal.GetRawUtf8Value(element)[1..^1];
                WriteString(JsString.Decode(text, text.Contains((byte)'\\')), ref buffer);
                break;
            case JsonValueKind.Number:
                WriteNumber(element, ref buffer);
                break;
            case JsonValueKind.True:
                buffer.Write("true"u8);
                break;
            case JsonValueKind.False:
                buffer.Write("false"u8);
                break;
            case JsonValueKind.Object:
                WriteObject(JsonObject.Create(element)!, ref buffer, maxDepth, depth + 1);
                break;
            case JsonValueKind.Array:
                WriteArray(JsonArray.Create(element)!, ref buffer, maxDepth, depth + 1);
                break;
            default:
                buffer.Write("null"u8);
                break;
        }
    }

    private static void WriteNumber(JsonElement element, ref PooledByteBuffer buffer)
    {
        if (element.TryGetInt64(out var int64))
        {
            JsNumber.Write(int64, ref buffer);
        }
        else if (element.TryGetUInt64(out var uint64))
        {
            JsNumber.Write(uint64, ref buffer);
        }
        else if (element.TryGetDouble(out var float64))
        {
            JsNumber.Write(float64, ref buffer);
        }
        else
        {
            // Beyond double's range: JavaScript reads it as Infinity and writes null.
            buffer.Write("null"u8);
        }
    }

    public static void WriteString(string value, ref PooledByteBuffer buffer)
    {
        buffer.WriteByte((byte)'"');
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            // One search for the end of the ASCII that goes as it is, then one narrowing copy of it.
            var stop = rest.IndexOfAnyExcept(s_plainAscii);
            var plain = stop < 0 ? rest : rest[..stop];
            if (!plain.IsEmpty)
            {
                Ascii.FromUtf16(plain, buffer.GetSpan(plain.Length), out var narrowed);
                buffer.Advance(narrowed);
            }

            if (stop < 0)
            {
                break;
            }

            rest = rest[stop..];
            var consumed = WriteSpecial(rest, ref buffer);
            rest = rest[consumed..];
        }

        buffer.WriteByte((byte)'"');
    }

    private static int WriteSpecial(ReadOnlySpan<char> text, ref PooledByteBuffer buffer)
    {
        var c = text[0];
        switch (c)
        {
            case '"': buffer.Write("\\\""u8); return 1;
            case '\\': buffer.Write("\\\\"u8); return 1;
            case '\b': buffer.Write("\\b"u8); return 1;
            case '\f': buffer.Write("\\f"u8); return 1;
            case '\n': buffer.Write("\\n"u8); return 1;
            case '\r': buffer.Write("\\r"u8); return 1;
            case '\t': buffer.Write("\\t"u8); return 1;
        }

        if (c < 0x20)
        {
            WriteUnicodeEscape(c, ref buffer);
            return 1;
        }

        if (char.IsHighSurrogate(c) && text.Length > 1 && char.IsLowSurrogate(text[1]))
        {
            var rune = new System.Text.Rune(c, text[1]);
            buffer.Advance(rune.EncodeToUtf8(buffer.GetSpan(4)));
            return 2;
        }

        if (char.IsSurrogate(c))
        {
            // A lone surrogate: well-formed JSON.stringify escapes it.
            WriteUnicodeEscape(c, ref buffer);
            return 1;
        }

        buffer.Advance(new System.Text.Rune(c).EncodeToUtf8(buffer.GetSpan(3)));
        return 1;
    }

    private static void WriteUnicodeEscape(char c, ref PooledByteBuffer buffer)
    {
        var span = buffer.GetSpan(6);
        span[0] = (byte)'\\';
        span[1] = (byte)'u';
        span[2] = Hex(c >> 12);
        span[3] = Hex((c >> 8) & 0xF);
        span[4] = Hex((c >> 4) & 0xF);
        span[5] = Hex(c & 0xF);
        buffer.Advance(6);
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private static bool HasIndexKeys(JsonObject obj)
    {
        foreach (var property in obj)
        {
            if (IsArrayIndex(property.Key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The keys of <paramref name="obj"/> in the order <see cref="WriteObject(JsonObject, ref PooledByteBuffer, int)"/> writes them.</summary>
    public static string[] KeysInWrittenOrder(JsonObject obj)
    {
        var keys = new string[obj.Count];
        var k = 0;
        foreach (var property in obj)
        {
            keys[k++] = property.Key;
        }

        if (HasIndexKeys(obj))
        {
            // Array-index keys first, ascending; the others keep their order (the sort is stable).
            keys = [.. keys.OrderBy(key => TryParseIndex(key, out var index) ? index : uint.MaxValue)];
        }

        return keys;
    }

    /// <summary>Whether JavaScript orders this key first, as an array index.</summary>
    public static bool IsArrayIndex(string key) => key.Length > 0 && char.IsAsciiDigit(key[0]) && TryParseIndex(key, out _);

    /// <summary>An array index in JavaScript's sense: a canonical decimal integer below 2^32 - 1.</summary>
    private static bool TryParseIndex(string key, out uint index)
    {
        index = 0;
        if (key.Length is 0 or > 10 || (key.Length > 1 && key[0] == '0'))
        {
            return false;
        }

        ulong value = 0;
        foreach (var c in key)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (uint)(c - '0');
        }

        if (value >= uint.MaxValue)
        {
            return false;
        }

        index = (uint)value;
        return true;
    }

    private static void CheckDepth(int depth, int maxDepth)
    {
        if (depth > maxDepth)
        {
            throw new InvalidOperationException(
                $"The session is nested more than {maxDepth} levels deep; such a cookie could not be read back, so it is not written.");
        }
    }
}
