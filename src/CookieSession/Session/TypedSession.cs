using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using CookieSession.Json;

namespace CookieSession.Session;

/// <summary>
/// The session as one <typeparamref name="TSession"/>: read once from the session's JSON, and compared property by
/// property with what it was when the commit runs, so that only what changed is written and every other key, declared
/// or not, stays as the cookie brought it.
/// </summary>
/// <remarks>
/// What the value was is kept as the serializer writes it (<c>_baseline</c>), so that the comparison does not depend
/// on how another writer formatted the cookie; what the untyped session held at the same moment (<c>_untyped</c>) tells
/// a key changed through both apart from one changed through the value only.
/// </remarks>
internal sealed class TypedSession<TSession> : ICookieSession<TSession>, ITypedSessionView
    where TSession : class, new()
{
    private const string ReflectionMessage = ICookieSession.ReflectionMessage;

    private readonly RequestSession _session;
    private readonly JsonTypeInfo<TSession> _typeInfo;
    private TSession? _value;
    private byte[]? _baseline;
    private byte[]? _untyped;

    public TypedSession(RequestSession session, JsonTypeInfo<TSession> typeInfo)
    {
        _session = session;
        _typeInfo = typeInfo;
    }

    public TSession Value => _value ?? Read();

    public bool HasChanges()
        => _value is not null && !JsonSerializer.SerializeToUtf8Bytes(_value, _typeInfo).AsSpan().SequenceEqual(_baseline);

    public void Flush()
    {
        if (_value is null)
        {
            return;
        }

        var current = JsonSerializer.SerializeToUtf8Bytes(_value, _typeInfo);
        if (current.AsSpan().SequenceEqual(_baseline))
        {
            return;
        }

        var contents = _session.ContentsForTypedChange();
        var before = Properties(_baseline!);
        var after = Properties(current);
        var untypedThen = _untyped!;
        var untypedNow = Serialize(contents);
        foreach (var (key, raw) in after)
        {
            if (!before.TryGetValue(key, out var was) || !was.SequenceEqual(raw))
            {
                ThrowIfChangedUntyped(key, untypedThen, untypedNow);
                contents.Set(key, JsonNode.Parse(raw));
            }
        }

        foreach (var key in before.Keys)
        {
            if (!after.ContainsKey(key))
            {
                ThrowIfChangedUntyped(key, untypedThen, untypedNow);
                contents.Remove(key);
            }
        }

        _baseline = current;
        _untyped = Serialize(contents);
    }

    public void SessionCleared()
    {
        if (_value is not null)
        {
            // What the value held went with the old session; only what it changes from now on is written.
            _baseline = JsonSerializer.SerializeToUtf8Bytes(_value, _typeInfo);
            _untyped = "{}"u8.ToArray();
        }
    }

    private TSession Read()
    {
        var contents = _session.ContentsForTypedView();
        var json = Serialize(contents);
        TSession value;
        try
        {
            value = contents.Count == 0 ? new TSession() : JsonSerializer.Deserialize(json, _typeInfo) ?? new TSession();
        }
        catch (JsonException e)
        {
            throw Mismatch(e, json);
        }

        _baseline = JsonSerializer.SerializeToUtf8Bytes(value, _typeInfo);
        _untyped = json;
        _value = value;
        return value;
    }

    /// <summary>Names the key that did not fit, its JSON type and the property's type; never the value.</summary>
    private JsonException Mismatch(JsonException e, byte[] json)
    {
        var key = TopLevelKey(e.Path);
        var found = key is not null && RawJsonObject.TryGetValue(json, null, key, out var raw) ? KindOf(raw) : "value";
        var property = key is null ? null : _typeInfo.Properties.FirstOrDefault(p => p.Name == key);
        var member = (property?.AttributeProvider as System.Reflection.MemberInfo)?.Name ?? property?.Name;
        var target = property is null ? typeof(TSession).ToString() : $"{property.PropertyType} ({typeof(TSession).Name}.{member})";
        return new JsonException(
            key is null
                ? $"The session cannot be read as {typeof(TSession)}; the cookie is left as it was."
                : $"The session value '{key}' is a JSON {found} and cannot be read as {target}; the cookie is left as it was.",
            e.Path,
            e.LineNumber,
            e.BytePositionInLine,
            e);
    }

    private void ThrowIfChangedUntyped(string key, byte[] then, byte[] now)
    {
        var before = RawJsonObject.TryGetValue(then, null, key, out var a) ? a.ToArray() : null;
        var after = RawJsonObject.TryGetValue(now, null, key, out var b) ? b.ToArray() : null;
        if (before is null != after is null || (before is not null && !before.AsSpan().SequenceEqual(after)))
        {
            throw new InvalidOperationException(
                $"The session key '{key}' was changed both through ICookieSession<{typeof(TSession).Name}>.Value and through the untyped session in one request; change it one way only.");
        }
    }

    private static Dictionary<string, byte[]> Properties(byte[] json)
    {
        var properties = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return properties;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            properties[name] = json.AsSpan(start, (int)reader.BytesConsumed - start).ToArray();
        }

        return properties;
    }

    private static byte[] Serialize(SessionContents contents)
    {
        var buffer = new PooledByteBuffer(Math.Max(256, contents.LoadedJson.Length + 64));
        try
        {
            contents.Serialize(ref buffer);
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>The session's key a deserialization error's path starts at: <c>$.cart[0].id</c> or <c>$['a.b']</c> give cart and a.b.</summary>
    private static string? TopLevelKey(string? path)
    {
        if (path is null || !path.StartsWith('$') || path.Length < 3)
        {
            return null;
        }

        if (path[1] == '.')
        {
            var end = path.IndexOfAny(['.', '['], 2);
            return end < 0 ? path[2..] : path[2..end];
        }

        if (path.StartsWith("$['", StringComparison.Ordinal))
        {
            var end = path.IndexOf("']", 3, StringComparison.Ordinal);
            return end < 0 ? null : path[3..end];
        }

        return null;
    }

    private static string KindOf(ReadOnlySpan<byte> raw) => raw[0] switch
    {
        (byte)'"' => "string",
        (byte)'{' => "object",
        (byte)'[' => "array",
        (byte)'t' or (byte)'f' => "boolean",
        (byte)'n' => "null",
        _ => "number",
    };

    // The untyped session, the same as the request's.

    public JsonNode? this[string key] { get => _session[key]; set => _session[key] = value; }

    public IEnumerable<string> Keys => _session.Keys;

    public bool IsNew => _session.IsNew;

    public bool IsChanged => _session.IsChanged || HasChanges();

    public bool IsPopulated => _session.IsPopulated;

    public CookieSessionCookie Cookie => _session.Cookie;

    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public T? Get<T>(string key) => _session.Get<T>(key);

    public T? Get<T>(string key, JsonTypeInfo<T> typeInfo) => _session.Get(key, typeInfo);

    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public bool TryGet<T>(string key, out T? value) => _session.TryGet(key, out value);

    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public void Set<T>(string key, T value) => _session.Set(key, value);

    public void Set<T>(string key, T value, JsonTypeInfo<T> typeInfo) => _session.Set(key, value, typeInfo);

    public bool Remove(string key) => _session.Remove(key);

    public void Clear() => _session.Clear();

    public string? GetString(string key) => _session.GetString(key);

    public long? GetInteger(string key) => _session.GetInteger(key);

    public double? GetNumber(string key) => _session.GetNumber(key);

    public bool? GetBoolean(string key) => _session.GetBoolean(key);

    public void SetString(string key, string? value) => _session.SetString(key, value);

    public void SetInteger(string key, long value) => _session.SetInteger(key, value);

    public void SetNumber(string key, double value) => _session.SetNumber(key, value);

    public void SetBoolean(string key, bool value) => _session.SetBoolean(key, value);
}
