using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using CookieSession.Cookies;
using CookieSession.Formats;
using CookieSession.Json;

namespace CookieSession.Session;

/// <summary>
/// What a request's session holds: the JSON the cookie brought, read in place (<see cref="RawJsonObject"/>), and what
/// the cookie said of it (its times, whether it wants renewing), plus the changes made since, in the order made; or,
/// once something needs it, a <see cref="JsonObject"/> tree of the whole.
/// </summary>
/// <remarks>
/// Serializing copies every property that did not change byte for byte (what Node or this library wrote
/// is already in <c>JSON.stringify</c> form), writes the changed ones in place, and appends new keys in the
/// order they were added, as JavaScript does. Where JavaScript's order needs more than that (a new
/// integer-like key goes first), the tree is built and written by <see cref="JsJsonWriter"/>.
/// </remarks>
internal sealed class SessionContents
{
    /// <summary>The JSON the cookie brought: immutable, shared with the cache of verified values.</summary>
    private byte[]? _json;
    private JsonObject? _tree;
    /// <summary>The changes in the order made, the first <see cref="_changeCount"/> of them: an array alone, no list around it.</summary>
    private Change[]? _changes;
    private int _changeCount;
    private int[]? _index;

    // Every request allocates one of these, so what a nullable or a pair would pad is kept flat, the yes-or-no facts in
    // one byte, and the times as UTC ticks (a DateTimeOffset pads to 16 bytes): every time here is a Unix timestamp's
    // or the clock's UtcNow.
    private State _state;
    private long _createdAtTicks;
    private long _issuedAtTicks;
    private string? _writtenFirst;
    private ushort _writtenCount;

    // Only when the application had set Cache-Control or Pragma: most responses had neither, and the object stays small.
    private StrongBox<CachingHeaders.CachingHeadersBefore>? _cachingBefore;

    [Flags]
    private enum State : byte
    {
        /// <summary>A valid cookie was loaded.</summary>
        FromCookie = 1,

        /// <summary>A change was made.</summary>
        Changed = 2,

        /// <summary>A live node was handed out.</summary>
        Exposed = 4,

        HasTimes = 8,
        CachingReplaced = 16,
        NeedsRenewal = 32,
        Unavailable = 64,
    }

    /// <summary>The times the cookie carried; <see langword="null"/> for a new session or a format that carries none.</summary>
    public SessionTimes? Times
    {
        get => Has(State.HasTimes) ? new SessionTimes(new DateTimeOffset(_createdAtTicks, TimeSpan.Zero), new DateTimeOffset(_issuedAtTicks, TimeSpan.Zero)) : null;
        private set
        {
            Mark(State.HasTimes, value.HasValue);
            var times = value ?? default;
            (_createdAtTicks, _issuedAtTicks) = (times.CreatedAt.UtcTicks, times.IssuedAt.UtcTicks);
        }
    }

    /// <summary>The cookie asked to be written again even if unchanged (an older secret or key, or its lifetime).</summary>
    public bool NeedsRenewal
    {
        get => Has(State.NeedsRenewal);
        private set => Mark(State.NeedsRenewal, value);
    }

    /// <summary>
    /// The cache's entry of the value the cookie brought, when this request read it first
    /// (<see cref="SessionCookieReadResult.FirstReadOfWritten"/>): the commit that replaces the value hands it back.
    /// </summary>
    public VerifiedCookieCache.Entry? FirstReadOfWritten { get; set; }

    /// <summary>What the cache stored of the value the commit wrote, dropped if the commit is taken back.</summary>
    public VerifiedCookieCache.Entry? WrittenEntry { get; set; }

    /// <summary>The cookie settings a handler asked for, or <see langword="null"/> if it never looked at them.</summary>
    public CookieSessionCookie? ResponseCookie { get; set; }

    /// <summary>The <c>Set-Cookie</c> headers a commit appended, kept until the response starts in case it is taken back.</summary>
    public AppendedHeaders Written
    {
        get => new(_writtenFirst, _writtenCount);
        set => (_writtenFirst, _writtenCount) = (value.First, checked((ushort)value.Count));
    }

    /// <summary>The caching headers the commit replaced, put back if the commit is taken back.</summary>
    public CachingHeaders.CachingHeadersBefore? CachingBefore
    {
        get => Has(State.CachingReplaced) ? _cachingBefore?.Value ?? default : null;
        set
        {
            Mark(State.CachingReplaced, value.HasValue);
            _cachingBefore = value is { } before && (before.CacheControl.Count > 0 || before.Pragma.Count > 0) ? new(before) : null;
        }
    }

    /// <summary>No valid cookie was loaded.</summary>
    public bool IsNew => !Has(State.FromCookie);

    /// <summary>
    /// The cookie could not be opened because the key ring cannot be read now: the session cannot be used, and the
    /// cookie is neither written nor deleted.
    /// </summary>
    public bool IsUnavailable
    {
        get => Has(State.Unavailable);
        init => Mark(State.Unavailable, value);
    }

    /// <summary>A change was made, or a live node handed out.</summary>
    public bool MayHaveChanged => (_state & (State.Changed | State.Exposed)) != 0;

    /// <summary>The JSON the cookie brought; empty for a new session.</summary>
    public ReadOnlySpan<byte> LoadedJson => _json;

    public int Count
    {
        get
        {
            if (_tree is not null)
            {
                return _tree.Count;
            }

            var count = 0;
            var properties = new RawJsonObject.Enumerator(LoadedJson, _index);
            while (properties.MoveNext())
            {
                var i = FindChange(ref properties);
                if (i < 0 || _changes![i].WrittenInPlace)
                {
                    count++;
                }
            }

            foreach (ref readonly var change in Changes)
            {
                if (change.Appended)
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>
    /// Takes the verified JSON of a cookie, validated by the format when it opened the cookie
    /// (<see cref="SessionCookieReadResult.Verified"/>), and what the cookie said of it.
    /// </summary>
    public void Load(in SessionCookieReadResult result)
    {
        _json = result.JsonArray;
        _index = result.Index;
        _state |= State.FromCookie;
        Times = result.Times;
        NeedsRenewal = result.NeedsRenewal;
        FirstReadOfWritten = result.FirstReadOfWritten;
        if (result.NeedsTree)
        {
            // Neither Node nor this library writes a key twice, or integer-like keys after others; JSON.parse keeps
            // the last value of a repeated key and puts integer-like keys first, and so does the tree.
            _tree = RawJsonObject.ToTree(LoadedJson);
        }
    }

    /// <summary>The value converted to <typeparamref name="T"/>; <see langword="default"/> when absent or JSON null.</summary>
    /// <exception cref="JsonException">The value cannot be converted to <typeparamref name="T"/>.</exception>
    public T? Get<T>(string key, JsonSerializerOptions options, JsonTypeInfo<T>? typeInfo = null)
        => Read(key, options, typeInfo, throwOnMismatch: true, out T? value) ? value : default;

    /// <summary>The value of a primitive type; <see langword="null"/> when absent or JSON null.</summary>
    /// <exception cref="JsonException">The value is of another JSON type.</exception>
    public T? GetValue<T>(string key, JsonSerializerOptions options, JsonTypeInfo<T> typeInfo)
        where T : struct
        => Read(key, options, typeInfo, throwOnMismatch: true, out T value) ? value : null;

    /// <summary>The typed views of this session handed out in this request, flushed into it by the commit.</summary>
    public List<ITypedSessionView>? TypedViews { get; set; }

    /// <summary>
    /// Whether the key is present with a value convertible to <typeparamref name="T"/> (JSON null converts to a
    /// type that holds null); never throws for a value of another type.
    /// </summary>
    public bool TryGet<T>(string key, JsonSerializerOptions options, out T? value)
        => Read(key, options, typeInfo: null, throwOnMismatch: false, out value);

    private bool Read<T>(string key, JsonSerializerOptions options, JsonTypeInfo<T>? typeInfo, bool throwOnMismatch, out T? value)
    {
        value = default;
        JsonNode? node;
        if (_tree is not null)
        {
            if (!_tree.TryGetPropertyValue(key, out node))
            {
                return false;
            }
        }
        else if (FindChange(key) is var i && i >= 0)
        {
            if (_changes![i].Removed)
            {
                return false;
            }

            if (_changes![i].Integer is { } integer)
            {
                if (typeof(T) == typeof(long))
                {
                    value = Unsafe.As<long, T>(ref integer);
                    return true;
                }

                if (typeof(T) == typeof(int) && integer is >= int.MinValue and <= int.MaxValue)
                {
                    var int32 = (int)integer;
                    value = Unsafe.As<int, T>(ref int32);
                    return true;
                }

                node = _changes![i].Node();
            }
            else
            {
                node = _changes![i].Value;
            }
        }
        else
        {
            if (!Has(State.FromCookie) || !RawJsonObject.TryGetValue(LoadedJson, _index, key, out var raw))
            {
                return false;
            }

            if (raw.SequenceEqual("null"u8))
            {
                return default(T) is null;
            }

            if (TryConvert(raw, out value))
            {
                return true;
            }

            if (typeof(JsonNode).IsAssignableFrom(typeof(T)))
            {
                value = (T?)(object?)RawJsonObject.ToNode(raw);
                return true;
            }

            try
            {
                value = JsSerializer.Deserialize(raw, options, typeInfo);
                return true;
            }
            catch (JsonException) when (!throwOnMismatch)
            {
                return false;
            }
            catch (JsonException e)
            {
                throw Mismatch<T>(key, KindOf(raw), e);
            }
        }

        if (node is null)
        {
            return default(T) is null;
        }

        try
        {
            if (node is JsonValue jsonValue && jsonValue.TryGetValue(out value))
            {
                return true;
            }
        }
        catch (InvalidOperationException)
        {
            // A value the app parsed itself, holding a lone surrogate: the serializer below reads it.
        }

        try
        {
            value = JsSerializer.Deserialize(node, options, typeInfo);
            return true;
        }
        catch (JsonException) when (!throwOnMismatch)
        {
            return false;
        }
        catch (JsonException e)
        {
            throw Mismatch<T>(key, node.GetValueKind(), e);
        }
        catch (ArgumentException e)
        {
            // A number beyond double's range reads as JavaScript's Infinity, which no other type holds.
            return throwOnMismatch ? throw Mismatch<T>(key, node.GetValueKind(), e) : false;
        }
    }

    /// <summary>Says which key held what, so that the developer need not guess; never the value itself.</summary>
    private static JsonException Mismatch<T>(string key, JsonValueKind found, Exception inner)
        => new($"The session value '{key}' is a JSON {found switch
        {
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => found.ToString().ToLowerInvariant(),
        }} and cannot be read as {typeof(T)}.", inner);

    /// <summary>The kind of a validated JSON value, from its first byte.</summary>
    private static JsonValueKind KindOf(ReadOnlySpan<byte> raw) => raw[0] switch
    {
        (byte)'"' => JsonValueKind.String,
        (byte)'{' => JsonValueKind.Object,
        (byte)'[' => JsonValueKind.Array,
        (byte)'t' => JsonValueKind.True,
        (byte)'f' => JsonValueKind.False,
        (byte)'n' => JsonValueKind.Null,
        _ => JsonValueKind.Number,
    };

    public bool TryGetNode(string key, out JsonNode? node) => Tree().TryGetPropertyValue(key, out node);

    /// <summary>Whether the session holds <paramref name="key"/>.</summary>
    public bool Contains(string key)
    {
        if (_tree is not null)
        {
            return _tree.ContainsKey(key);
        }

        var i = FindChange(key);
        return i >= 0 ? !_changes![i].Removed : DocumentValueStart(key) >= 0;
    }

    /// <summary>The value as a live node: changing an object or array changes the session.</summary>
    public JsonNode? GetLiveNode(string key)
    {
        var node = Tree()[key];
        if (node is JsonObject or JsonArray)
        {
            _state |= State.Exposed;
        }

        return node;
    }

    public void Set(string key, JsonNode? value) => Set(key, value, integer: null, isInt32: false);

    /// <summary>Sets an integer, kept as it is until something needs it as a node: most are only written.</summary>
    public void SetInteger(string key, long value, bool isInt32)
    {
        if (_tree is null)
        {
            Set(key, null, value, isInt32);
        }
        else
        {
            Set(key, isInt32 ? JsonValue.Create((int)value) : JsonValue.Create(value));
        }
    }

    private void Set(string key, JsonNode? value, long? integer, bool isInt32)
    {
        _state |= State.Changed;
        if (_tree is null)
        {
            var i = FindChange(key);
            var valueStart = i >= 0 ? _changes![i].ValueStart : DocumentValueStart(key);
            var removed = i >= 0 && _changes![i].Removed;
            var appended = valueStart < 0 || removed;
            if (!(appended && JsJsonWriter.IsArrayIndex(key)))
            {
                if (i >= 0 && !removed)
                {
                    // Assigning to an existing key keeps its place.
                    _changes![i] = _changes![i].WithValue(value, integer, isInt32);
                }
                else
                {
                    // A new key, or one deleted and added again, goes last.
                    if (i >= 0)
                    {
                        RemoveChangeAt(i);
                    }

                    AddChange(new Change(key, valueStart, Removed: false, Moved: removed).WithValue(value, integer, isInt32));
                }

                return;
            }

            // An integer-like key added now goes first in JavaScript's order: only the tree can place it.
        }

        Tree()[key] = integer is { } n ? (isInt32 ? JsonValue.Create((int)n) : JsonValue.Create(n)) : value;
    }

    public bool Remove(string key)
    {
        _state |= State.Changed;
        if (_tree is not null)
        {
            return _tree.Remove(key);
        }

        var i = FindChange(key);
        if (i >= 0)
        {
            var change = _changes![i];
            if (change.Removed)
            {
                return false;
            }

            if (change.InDocument)
            {
                _changes![i] = new Change(change.Key, change.ValueStart, Removed: true, Moved: false);
            }
            else
            {
                RemoveChangeAt(i);
            }

            return true;
        }

        if (DocumentValueStart(key) is var valueStart && valueStart >= 0)
        {
            AddChange(new Change(key, valueStart, Removed: true, Moved: false));
            return true;
        }

        return false;
    }

    public void Clear()
    {
        _state |= State.Changed;
        _changeCount = 0;
        _changes = null;
        _tree = [];
    }

    public IEnumerable<string> Keys()
    {
        if (_tree is not null)
        {
            return JsJsonWriter.KeysInWrittenOrder(_tree);
        }

        var list = new List<string>();
        var properties = new RawJsonObject.Enumerator(LoadedJson, _index);
        while (properties.MoveNext())
        {
            var i = FindChange(ref properties);
            if (i < 0 || _changes![i].WrittenInPlace)
            {
                list.Add(properties.Name());
            }
        }

        foreach (ref readonly var change in Changes)
        {
            if (change.Appended)
            {
                list.Add(change.Key);
            }
        }

        return list;
    }

    /// <summary>Writes the session's JSON, as <c>JSON.stringify</c> would, into <paramref name="buffer"/> (which must be empty).</summary>
    public void Serialize(ref PooledByteBuffer buffer)
    {
        if (_tree is not null)
        {
            JsJsonWriter.WriteObject(_tree, ref buffer, CookieSessionDefaults.MaxDepth);
            return;
        }

        buffer.WriteByte((byte)'{');
        var first = true;
        var json = LoadedJson;

        // Unchanged members next to each other, as the loaded JSON spells them, are copied in one go: [runStart, runEnd).
        var runStart = 0;
        var runEnd = 0;
        var properties = new RawJsonObject.Enumerator(json, _index);
        while (properties.MoveNext())
        {
            var i = FindChange(ref properties);
            if (i < 0)
            {
                // Unchanged: the bytes as they came, a member with nothing between its name and value copied whole.
                var start = properties.RawNameStart - 1;
                var end = properties.ValueStart + properties.Value.Length;
                if (properties.ValueStart != properties.RawNameStart + properties.RawName.Length + 2)
                {
                    CopyRun(json[runStart..runEnd], ref buffer, ref first);
                    runStart = runEnd = 0;
                    Separate(ref buffer, ref first);
                    buffer.WriteByte((byte)'"');
                    buffer.Write(properties.RawName);
                    buffer.Write("\":"u8);
                    buffer.Write(properties.Value);
                }
                else if (runEnd > runStart && start == runEnd + 1)
                {
                    // One byte between two members is their comma.
                    runEnd = end;
                }
                else
                {
                    CopyRun(json[runStart..runEnd], ref buffer, ref first);
                    (runStart, runEnd) = (start, end);
                }

                continue;
            }

            CopyRun(json[runStart..runEnd], ref buffer, ref first);
            runStart = runEnd = 0;
            if (_changes![i].WrittenInPlace)
            {
                Separate(ref buffer, ref first);

                // The name as the cookie has it: the same bytes the key encodes to, without encoding it again. Never an
                // escaped name here, as one makes the session a tree when it loads (see Load).
                WriteMember(properties.RawName, _changes![i], ref buffer);
            }
        }

        CopyRun(json[runStart..runEnd], ref buffer, ref first);
        foreach (ref readonly var change in Changes)
        {
            if (change.Appended)
            {
                Separate(ref buffer, ref first);
                WriteMember(change, ref buffer);
            }
        }

        buffer.WriteByte((byte)'}');
    }

    private JsonObject Tree()
    {
        if (_tree is not null)
        {
            return _tree;
        }

        _tree = Has(State.FromCookie) ? RawJsonObject.ToTree(LoadedJson) : [];
        foreach (ref readonly var change in Changes)
        {
            if (change.Removed || change.Moved)
            {
                _tree.Remove(change.Key);
            }

            if (!change.Removed)
            {
                _tree[change.Key] = change.Integer is not null ? change.Node() : change.Value?.Parent is null ? change.Value : change.Value.DeepClone();
            }
        }

        _changeCount = 0;
        _changes = null;

        return _tree;
    }

    private Span<Change> Changes => _changes.AsSpan(0, _changeCount);

    private bool Has(State state) => (_state & state) != 0;

    private void Mark(State state, bool on) => _state = on ? _state | state : _state & ~state;

    private void AddChange(in Change change)
    {
        if (_changes is null || _changeCount == _changes.Length)
        {
            // Most writes change one key.
            Array.Resize(ref _changes, _changes is null ? 1 : 2 * _changes.Length);
        }

        _changes[_changeCount++] = change;
    }

    private void RemoveChangeAt(int i)
    {
        Changes[(i + 1)..].CopyTo(Changes[i..]);
        _changes![--_changeCount] = default;
    }

    private int FindChange(string key)
    {
        var changes = Changes;
        for (var i = 0; i < changes.Length; i++)
        {
            if (changes[i].Key == key)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The change of the property the enumerator is on, found by where its value lies: no key to compare again.</summary>
    private int FindChange(ref RawJsonObject.Enumerator property)
    {
        var changes = Changes;
        for (var i = 0; i < changes.Length; i++)
        {
            if (changes[i].ValueStart == property.ValueStart)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Where the value of <paramref name="key"/> starts in the loaded JSON, or -1 when the cookie did not hold it.</summary>
    private int DocumentValueStart(string key)
    {
        var json = LoadedJson;
        return Has(State.FromCookie) && RawJsonObject.TryGetValue(json, _index, key, out var value) && json.Overlaps(value, out var start) ? start : -1;
    }

    private static void WriteMember(in Change change, ref PooledByteBuffer buffer)
    {
        if (change.Integer is { } integer)
        {
            JsJsonWriter.WriteMember(change.Key, integer, ref buffer);
        }
        else
        {
            JsJsonWriter.WriteMember(change.Key, change.Value, ref buffer, CookieSessionDefaults.MaxDepth);
        }
    }

    /// <summary>Writes a changed member under its name as the loaded JSON spells it, unescaped.</summary>
    private static void WriteMember(ReadOnlySpan<byte> rawName, in Change change, ref PooledByteBuffer buffer)
    {
        if (change.Integer is { } integer)
        {
            JsJsonWriter.WriteMember(rawName, integer, ref buffer);
        }
        else
        {
            JsJsonWriter.WriteMember(rawName, change.Value, ref buffer, CookieSessionDefaults.MaxDepth);
        }
    }

    /// <summary>Writes unchanged members as they came, if there are any.</summary>
    private static void CopyRun(ReadOnlySpan<byte> members, ref PooledByteBuffer buffer, ref bool first)
    {
        if (!members.IsEmpty)
        {
            Separate(ref buffer, ref first);
            buffer.Write(members);
        }
    }

    private static void Separate(ref PooledByteBuffer buffer, ref bool first)
    {
        if (!first)
        {
            buffer.WriteByte((byte)',');
        }

        first = false;
    }

    /// <summary>The common types straight from the raw value, without the serializer.</summary>
    private static bool TryConvert<T>(ReadOnlySpan<byte> raw, out T? value)
    {
        // The value comes from a validated JSON: a string token is its quotes around well-formed content, and an
        // integer token the digits Utf8Parser reads as Utf8JsonReader.TryGetInt32 does. Those two, the most common
        // reads, need no reader to be set up.
        if (typeof(T) == typeof(string) && raw.Length >= 2 && raw[0] == (byte)'"')
        {
            var content = raw[1..^1];
            value = (T)(object)JsString.Decode(content, escaped: content.Contains((byte)'\\'));
            return true;
        }

        if (typeof(T) == typeof(int) && raw.Length > 0 && raw[0] is (byte)'-' or (>= (byte)'0' and <= (byte)'9'))
        {
            if (System.Buffers.Text.Utf8Parser.TryParse(raw, out int parsed, out var consumed) && consumed == raw.Length)
            {
                value = Unsafe.As<int, T>(ref parsed);
                return true;
            }
        }

        // Strings and integers that Utf8Parser refused are not for the reader either: it converts with the same rules.
        var reader = new Utf8JsonReader(raw);
        reader.Read();
        if (typeof(T) == typeof(long) && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var int64))
        {
            value = Unsafe.As<long, T>(ref int64);
            return true;
        }

        if (typeof(T) == typeof(double) && reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var float64))
        {
            value = Unsafe.As<double, T>(ref float64);
            return true;
        }

        if (typeof(T) == typeof(bool) && reader.TokenType is JsonTokenType.True or JsonTokenType.False)
        {
            var flag = reader.TokenType == JsonTokenType.True;
            value = Unsafe.As<bool, T>(ref flag);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>
    /// A change beside the loaded JSON. <see cref="ValueStart"/>: where the key's value lies in the cookie's JSON, or -1
    /// when the cookie did not hold the key; <see cref="Moved"/>: deleted and added again, so it goes last.
    /// <see cref="Integer"/>: an integer set as one, in place of <see cref="Value"/>, made a node (of the type it was set
    /// as) only when something reads it as one.
    /// </summary>
    private readonly record struct Change(string Key, int ValueStart, bool Removed, bool Moved)
    {
        private enum IntegerKind : byte
        {
            None,
            Int64,
            Int32,
        }

        public JsonNode? Value { get; private init; }

        private long IntegerBits { get; init; }

        private IntegerKind Kind { get; init; }

        public long? Integer => Kind == IntegerKind.None ? null : IntegerBits;

        public bool InDocument => ValueStart >= 0;

        public JsonNode? Node() => Kind switch
        {
            IntegerKind.Int32 => JsonValue.Create((int)IntegerBits),
            IntegerKind.Int64 => JsonValue.Create(IntegerBits),
            _ => Value,
        };

        public bool WrittenInPlace => !Removed && InDocument && !Moved;

        public bool Appended => !Removed && (!InDocument || Moved);

        /// <summary>This change holding <paramref name="value"/>, or the integer when one is given.</summary>
        public Change WithValue(JsonNode? value, long? integer, bool isInt32) => this with
        {
            Value = integer is null ? value : null,
            IntegerBits = integer ?? 0,
            Kind = integer is null ? IntegerKind.None : isInt32 ? IntegerKind.Int32 : IntegerKind.Int64,
        };
    }
}
