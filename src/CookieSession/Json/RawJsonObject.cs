using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    /// <see cref="CookieSessionDefaults.MaxDepth"/> deep; and whether only a tree can read it as JavaScript would:
    /// a top-level key may repeat, or its keys are not in the order JavaScript keeps (integer-like keys first, ascending).
    /// </summary>
    public static bool TryValidate(ReadOnlySpan<byte> json, out bool needsTree) => TryValidate(json, out needsTree, out _);

    /// <summary>
    /// As <see cref="TryValidate(ReadOnlySpan{byte}, out bool)"/>, and where the properties lie (<see cref="Index"/>),
    /// found in the same reading, when no tree is needed.
    /// </summary>
    public static bool TryValidate(ReadOnlySpan<byte> json, out bool needsTree, out int[]? index)
        => TryValidatePlain(json, out needsTree, out index) || TryValidateWithReader(json, out needsTree, out index);

    /// <summary>
    /// <see cref="TryValidate(ReadOnlySpan{byte}, out bool, out int[])"/> for the common case, read byte by byte: JSON in
    /// ASCII whose strings hold no escapes, nested at most <see cref="PlainMaxDepth"/> deep. <see langword="true"/> only
    /// for such JSON, which <see cref="Utf8JsonReader"/> accepts too, with the same answers; <see langword="false"/>
    /// means "not such JSON", never "invalid": the reader decides everything else.
    /// </summary>
    internal static bool TryValidatePlain(ReadOnlySpan<byte> json, out bool needsTree, out int[]? index)
    {
        needsTree = false;
        index = null;

        // A byte beyond ASCII stops a string (below) and matches nothing of the grammar outside one, so the JSON needs
        // no pass of its own to be known ASCII.
        var at = SkipWhitespace(json, 0);
        if (at >= json.Length || json[at] != (byte)'{')
        {
            return false;
        }

        var stops = new StringStops(json);
        var keys = new TopLevelKeys(stackalloc int[TopLevelKeys.Compared * 4]);
        at = SkipWhitespace(json, at + 1);
        if (at < json.Length && json[at] == (byte)'}')
        {
            at++;
        }
        else
        {
            while (true)
            {
                var nameStart = at + 1;
                if (!TrySkipPlainString(json, ref at, ref stops))
                {
                    return false;
                }

                keys.Name(json, nameStart, at - 1 - nameStart, escaped: false);
                at = SkipWhitespace(json, at);
                if (at >= json.Length || json[at] != (byte)':')
                {
                    return false;
                }

                at = SkipWhitespace(json, at + 1);
                var valueStart = at;
                if (!TrySkipPlainValue(json, ref at, depth: 1, ref stops))
                {
                    return false;
                }

                keys.Value(valueStart, at - valueStart);
                at = SkipWhitespace(json, at);
                if (at >= json.Length)
                {
                    return false;
                }

                if (json[at] == (byte)'}')
                {
                    at++;
                    break;
                }

                if (json[at] != (byte)',')
                {
                    return false;
                }

                at = SkipWhitespace(json, at + 1);
            }
        }

        if (SkipWhitespace(json, at) != json.Length)
        {
            return false;
        }

        needsTree = keys.NeedsTree;
        index = keys.ToIndex();
        return true;
    }

    /// <summary>The validation by <see cref="Utf8JsonReader"/>: the reference for every JSON, plain or not.</summary>
    internal static bool TryValidateWithReader(ReadOnlySpan<byte> json, out bool needsTree, out int[]? index)
    {
        needsTree = false;
        index = null;
        try
        {
            var reader = new Utf8JsonReader(json, s_options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var keys = new TopLevelKeys(stackalloc int[TopLevelKeys.Compared * 4]);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var start = (int)reader.TokenStartIndex + 1;
                keys.Name(json, start, reader.ValueSpan.Length, reader.ValueIsEscaped);
                reader.Read();
                var valueStart = (int)reader.TokenStartIndex;
                reader.Skip();
                keys.Value(valueStart, (int)reader.BytesConsumed - valueStart);
            }

            // The object is closed and nothing follows it.
            if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0 || reader.Read())
            {
                return false;
            }

            needsTree = keys.NeedsTree;
            index = keys.ToIndex();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>How deep <see cref="TryValidatePlain"/> follows nesting: half the limit, so that it never accepts what the reader refuses.</summary>
    private const int PlainMaxDepth = CookieSessionDefaults.MaxDepth / 2;

    /// <summary>Past JSON's whitespace (space, tab, line feed, carriage return) from <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> json, int at)
    {
        // JSON.stringify writes none: one comparison, inlined, for the common case.
        if ((uint)at < (uint)json.Length && json[at] > (byte)' ')
        {
            return at;
        }

        while (at < json.Length && json[at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            at++;
        }

        return at;
    }

    /// <summary>Past a string at <paramref name="at"/> in ASCII without escapes or control characters.</summary>
    private static bool TrySkipPlainString(ReadOnlySpan<byte> json, ref int at, ref StringStops stops)
    {
        if (at >= json.Length || json[at] != (byte)'"')
        {
            return false;
        }

        var stop = stops.Next(at + 1);
        if (stop < 0 || json[stop] != (byte)'"')
        {
            return false;
        }

        at = stop + 1;
        return true;
    }

    /// <summary>
    /// Where plain strings stop: a quote, a backslash, a control character (which JSON refuses in a string) or a byte
    /// beyond ASCII. Found 64 bytes at a time with vector compares, for a block the first time a string reaches into it,
    /// so that each string is then skipped by a bit scan rather than a search of its own set up for a few bytes.
    /// </summary>
    private ref struct StringStops
    {
        private const int BlockShift = 6;
        private const int BlockSize = 1 << BlockShift;

        private readonly ReadOnlySpan<byte> _json;
        private int _block;
        private ulong _mask;

        public StringStops(ReadOnlySpan<byte> json)
        {
            _json = json;
            _block = -1;
        }

        /// <summary>The first stop at or after <paramref name="at"/>, or -1 when none is left.</summary>
        public int Next(int at)
        {
            while (true)
            {
                var block = at >> BlockShift;
                var start = block << BlockShift;
                if (block != _block)
                {
                    if (start >= _json.Length)
                    {
                        return -1;
                    }

                    _mask = MaskAt(start);
                    _block = block;
                }

                var bits = _mask & (ulong.MaxValue << (at & (BlockSize - 1)));
                if (bits != 0)
                {
                    return start + BitOperations.TrailingZeroCount(bits);
                }

                at = start + BlockSize;
            }
        }

        /// <summary>A bit for each stop among the (up to) 64 bytes from <paramref name="start"/>; none past the end.</summary>
        private readonly ulong MaskAt(int start)
        {
            var rest = _json.Length - start;
            if (rest >= BlockSize)
            {
                return Mask(ref Unsafe.Add(ref MemoryMarshal.GetReference(_json), start));
            }

            // The last, partial block, read from a copy: the bytes past the JSON's end are never looked at as stops.
            Span<byte> tail = stackalloc byte[BlockSize];
            _json[start..].CopyTo(tail);
            return Mask(ref MemoryMarshal.GetReference(tail)) & ((1UL << rest) - 1);
        }

        private static ulong Mask(ref byte block)
            => Mask(Vector128.LoadUnsafe(ref block))
                | (Mask(Vector128.LoadUnsafe(ref block, 16)) << 16)
                | (Mask(Vector128.LoadUnsafe(ref block, 32)) << 32)
                | (Mask(Vector128.LoadUnsafe(ref block, 48)) << 48);

        private static ulong Mask(Vector128<byte> bytes)
            => (Vector128.Equals(bytes, Vector128.Create((byte)'"'))
                | Vector128.Equals(bytes, Vector128.Create((byte)'\\'))
                | Vector128.LessThan(bytes, Vector128.Create((byte)0x20))
                | Vector128.GreaterThan(bytes, Vector128.Create((byte)0x7F))).ExtractMostSignificantBits();
    }

    /// <summary>Past a plain value at <paramref name="at"/>, itself at nesting <paramref name="depth"/>.</summary>
    private static bool TrySkipPlainValue(ReadOnlySpan<byte> json, ref int at, int depth, ref StringStops stops)
    {
        if (at >= json.Length)
        {
            return false;
        }

        switch (json[at])
        {
            case (byte)'"':
                return TrySkipPlainString(json, ref at, ref stops);
            case (byte)'{':
            case (byte)'[':
                return depth < PlainMaxDepth && TrySkipPlainContainer(json, ref at, depth + 1, ref stops);
            case (byte)'t':
                return TrySkipLiteral(json, ref at, "true"u8);
            case (byte)'f':
                return TrySkipLiteral(json, ref at, "false"u8);
            case (byte)'n':
                return TrySkipLiteral(json, ref at, "null"u8);
            default:
                return TrySkipNumber(json, ref at);
        }
    }

    /// <summary>Past an object or array at <paramref name="at"/> whose members are plain.</summary>
    private static bool TrySkipPlainContainer(ReadOnlySpan<byte> json, ref int at, int depth, ref StringStops stops)
    {
        var isObject = json[at] == (byte)'{';
        var close = isObject ? (byte)'}' : (byte)']';
        at = SkipWhitespace(json, at + 1);
        if (at < json.Length && json[at] == close)
        {
            at++;
            return true;
        }

        while (true)
        {
            if (isObject)
            {
                if (!TrySkipPlainString(json, ref at, ref stops))
                {
                    return false;
                }

                at = SkipWhitespace(json, at);
                if (at >= json.Length || json[at] != (byte)':')
                {
                    return false;
                }

                at = SkipWhitespace(json, at + 1);
            }

            if (!TrySkipPlainValue(json, ref at, depth, ref stops))
            {
                return false;
            }

            at = SkipWhitespace(json, at);
            if (at >= json.Length)
            {
                return false;
            }

            if (json[at] == close)
            {
                at++;
                return true;
            }

            if (json[at] != (byte)',')
            {
                return false;
            }

            at = SkipWhitespace(json, at + 1);
        }
    }

    private static bool TrySkipLiteral(ReadOnlySpan<byte> json, ref int at, ReadOnlySpan<byte> literal)
    {
        if (!json[at..].StartsWith(literal))
        {
            return false;
        }

        at += literal.Length;
        return true;
    }

    /// <summary>Past a number in JSON's grammar: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>.</summary>
    private static bool TrySkipNumber(ReadOnlySpan<byte> json, ref int at)
    {
        var i = at;
        if (i < json.Length && json[i] == (byte)'-')
        {
            i++;
        }

        if (i < json.Length && json[i] == (byte)'0')
        {
            i++;
        }
        else if (!TrySkipDigits(json, ref i))
        {
            return false;
        }

        if (i < json.Length && json[i] == (byte)'.')
        {
            i++;
            if (!TrySkipDigits(json, ref i))
            {
                return false;
            }
        }

        if (i < json.Length && json[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            if (!TrySkipDigits(json, ref i))
            {
                return false;
            }
        }

        at = i;
        return true;
    }

    /// <summary>Past one digit or more.</summary>
    private static bool TrySkipDigits(ReadOnlySpan<byte> json, ref int at)
    {
        var start = at;
        while (at < json.Length && char.IsAsciiDigit((char)json[at]))
        {
            at++;
        }

        return at > start;
    }

    /// <summary>
    /// The top-level keys as a validation meets them: whether only a tree reads them as JavaScript does, and, if not,
    /// where each property lies (<see cref="Index"/>).
    /// </summary>
    private ref struct TopLevelKeys
    {
        /// <summary>
        /// How many names are compared: an escaped name, or one more key, counts as "may repeat", which only sends the
        /// session down the slower tree path, never to a wrong answer.
        /// </summary>
        public const int Compared = 32;

        // Four numbers a property, as the index keeps them: name start and length, value start and length.
        private readonly Span<int> _positions;
        private int _count;
        private long _lastIndex;
        private bool _sawOtherKey;

        public TopLevelKeys(Span<int> positions)
        {
            _positions = positions;
            _lastIndex = -1;
        }

        public bool NeedsTree { get; private set; }

        public void Name(ReadOnlySpan<byte> json, int start, int length, bool escaped)
        {
            if (NeedsTree)
            {
                return;
            }

            var name = json.Slice(start, length);
            NeedsTree = escaped || _count == Compared || Repeats(json, name);
            if (_count < Compared)
            {
                _positions[_count * 4] = start;
                _positions[(_count * 4) + 1] = length;
                _count++;
            }

            // JavaScript enumerates integer-like keys first, ascending: a cookie written otherwise (never by
            // JSON.stringify) is read in JavaScript's order through the tree.
            if (TryParseArrayIndex(name, out var arrayIndex))
            {
                NeedsTree |= _sawOtherKey || arrayIndex <= _lastIndex;
                _lastIndex = arrayIndex;
            }
            else
            {
                _sawOtherKey = true;
            }
        }

        /// <summary>Where the value of the last name lies.</summary>
        public readonly void Value(int start, int length)
        {
            if (!NeedsTree)
            {
                var at = (_count - 1) * 4;
                _positions[at + 2] = start;
                _positions[at + 3] = length;
            }
        }

        public readonly int[]? ToIndex() => NeedsTree ? null : _positions[..(_count * 4)].ToArray();

        /// <summary>Whether a name met earlier is <paramref name="name"/>, byte for byte.</summary>
        private readonly bool Repeats(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
        {
            for (var i = 0; i < _count * 4; i += 4)
            {
                if (_positions[i + 1] == name.Length && json.Slice(_positions[i], name.Length).SequenceEqual(name))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>A JavaScript array index written canonically: 0, or digits without a leading zero, up to 2^32 - 2.</summary>
    private static bool TryParseArrayIndex(ReadOnlySpan<byte> name, out long index)
    {
        index = 0;
        if (name.IsEmpty || name.Length > 10 || (name[0] == (byte)'0' && name.Length > 1))
        {
            return false;
        }

        foreach (var b in name)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            index = (index * 10) + (b - '0');
        }

        return index <= uint.MaxValue - 1;
    }

    /// <summary>
    /// The raw value of the top-level property <paramref name="key"/>, in an object whose top-level keys
    /// do not repeat (as <see cref="TryValidate(ReadOnlySpan{byte}, out bool)"/> reported).
    /// </summary>
    public static bool TryGetValue(ReadOnlySpan<byte> json, string key, out ReadOnlySpan<byte> value)
        => TryGetValue(json, index: null, key, out value);

    /// <summary>
    /// As <see cref="TryGetValue(ReadOnlySpan{byte}, string, out ReadOnlySpan{byte})"/>, through the object's
    /// <paramref name="index"/> (<see cref="Index"/>) when it has one.
    /// </summary>
    public static bool TryGetValue(ReadOnlySpan<byte> json, int[]? index, string key, out ReadOnlySpan<byte> value)
    {
        Span<byte> utf8Key = key.Length <= 128 ? stackalloc byte[key.Length * 3] : new byte[key.Length * 3];
        var isUtf8 = JsString.TryEncodeUtf8(key, utf8Key, out var written);
        utf8Key = utf8Key[..written];
        if (index is not null)
        {
            // Straight through the index, whose names hold no escapes: no enumerator (and its JSON reader) to set up.
            for (var i = 0; isUtf8 && i < index.Length; i += 4)
            {
                if (json.Slice(index[i], index[i + 1]).SequenceEqual(utf8Key))
                {
                    value = json.Slice(index[i + 2], index[i + 3]);
                    return true;
                }
            }

            value = default;
            return false;
        }

        var enumerator = new Enumerator(json);
        while (enumerator.MoveNext())
        {
            if (enumerator.NameEquals(utf8Key, isUtf8, key))
            {
                value = enumerator.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Where the top-level properties of a validated object whose names do not repeat lie: four numbers a property
    /// (name start and length, without quotes; value start and length). Kept with a cached value so that the
    /// requests which send it again find their keys without reading the JSON again. <see langword="null"/> when a
    /// name is escaped: those are compared as the strings they stand for, by reading. The request path finds the same
    /// positions while validating (<see cref="TryValidate(ReadOnlySpan{byte}, out bool, out int[])"/>) or serializing;
    /// this reading, through <see cref="Enumerator"/>, is the reference those are checked against.
    /// </summary>
    public static int[]? Index(ReadOnlySpan<byte> json)
    {
        var count = 0;
        var counter = new Enumerator(json);
        while (counter.MoveNext())
        {
            if (counter.NameIsEscaped)
            {
                return null;
            }

            count++;
        }

        var index = new int[count * 4];
        var properties = new Enumerator(json);
        for (var i = 0; properties.MoveNext(); i += 4)
        {
            index[i] = properties.RawNameStart;
            index[i + 1] = properties.RawName.Length;
            index[i + 2] = properties.ValueStart;
            index[i + 3] = properties.Value.Length;
        }

        return index;
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
                    var name = JsString.GetString(ref reader);
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
                return JsonValue.Create(JsString.GetString(ref reader));
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

    /// <summary>The top-level properties of a validated object, in order, as raw UTF-8.</summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _json;
        private readonly int[]? _index;
        private Utf8JsonReader _reader;
        private int _next;

        public Enumerator(ReadOnlySpan<byte> json)
            : this(json, index: null)
        {
        }

        /// <summary>Enumerates through <paramref name="index"/> (<see cref="Index"/>) when given, else by reading.</summary>
        public Enumerator(ReadOnlySpan<byte> json, int[]? index)
        {
            _json = json;
            _index = index;
            if (index is null)
            {
                _reader = new Utf8JsonReader(json, s_options);
                if (!json.IsEmpty)
                {
                    _reader.Read();
                }
            }
        }

        /// <summary>Where <see cref="RawName"/> starts in the object.</summary>
        public int RawNameStart { get; private set; }

        /// <summary>Where <see cref="Value"/> starts in the object.</summary>
        public int ValueStart { get; private set; }

        /// <summary>The name as written, escapes included, without its quotes.</summary>
        public ReadOnlySpan<byte> RawName { get; private set; }

        /// <summary>The value as written.</summary>
        public ReadOnlySpan<byte> Value { get; private set; }

        /// <summary>The name as written holds escapes (never through an index, which has none).</summary>
        public bool NameIsEscaped { get; private set; }

        public bool MoveNext()
        {
            if (_index is not null)
            {
                if (_next >= _index.Length)
                {
                    return false;
                }

                RawNameStart = _index[_next];
                RawName = _json.Slice(RawNameStart, _index[_next + 1]);
                ValueStart = _index[_next + 2];
                Value = _json.Slice(ValueStart, _index[_next + 3]);
                _next += 4;
                return true;
            }

            if (_json.IsEmpty || !_reader.Read() || _reader.TokenType != JsonTokenType.PropertyName)
            {
                return false;
            }

            RawNameStart = (int)_reader.TokenStartIndex + 1;
            RawName = _reader.ValueSpan;
            NameIsEscaped = _reader.ValueIsEscaped;
            _reader.Read();
            ValueStart = (int)_reader.TokenStartIndex;
            _reader.Skip();
            Value = _json[ValueStart..(int)_reader.BytesConsumed];
            return true;
        }

        public readonly bool NameEquals(string key)
        {
            if (NameIsEscaped)
            {
                return JsString.Equals(RawName, escaped: true, key);
            }

            if (RawName.Length < key.Length || RawName.Length > key.Length * 3)
            {
                return false;
            }

            Span<byte> utf8Key = key.Length <= 128 ? stackalloc byte[key.Length * 3] : new byte[key.Length * 3];
            return JsString.TryEncodeUtf8(key, utf8Key, out var written) && RawName.SequenceEqual(utf8Key[..written]);
        }

        /// <summary>
        /// Compares with a key given both as text and, unless it holds a lone surrogate (<paramref name="isUtf8"/>
        /// false), as UTF-8: an unescaped name is compared as bytes, an escaped one as the string it is.
        /// </summary>
        public readonly bool NameEquals(ReadOnlySpan<byte> utf8Key, bool isUtf8, string key)
            => NameIsEscaped ? JsString.Equals(RawName, escaped: true, key) : isUtf8 && RawName.SequenceEqual(utf8Key);

        /// <summary>The name as <c>JSON.parse</c> reads it, a lone surrogate included.</summary>
        public readonly string Name() => JsString.Decode(RawName, NameIsEscaped);
    }
}
