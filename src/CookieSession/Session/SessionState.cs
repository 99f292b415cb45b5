using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using CookieSession.Formats;
using CookieSession.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CookieSession.Session;

/// <summary>
/// The session of one request. It reads the cookie the first time it is used, keeps the JSON it read so
/// that the write can tell whether anything changed, and refuses changes once the response has started.
/// It is also the request's <see cref="ISessionFeature"/>, so that <c>HttpContext.Session</c> works.
/// </summary>
internal sealed class SessionState : ICookieSession, ISessionFeature
{
    private static readonly JsonNodeOptions s_nodeOptions = new() { PropertyNameCaseInsensitive = false };

    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        MaxDepth = CookieSessionDefaults.MaxDepth,
        AllowDuplicateProperties = false,
    };

    private readonly HttpContext _context;
    private JsonObject? _data;
    private byte[]? _loaded;
    private int _loadedOffset;
    private int _loadedLength;
    private bool _isNew = true;
    private bool _mayHaveChanged;
    private CookieSessionCookie? _cookie;
    private AspNetSession? _aspNetSession;

    public SessionState(HttpContext context, SessionSettings settings, bool detached)
    {
        _context = context;
        Settings = settings;
        IsDetached = detached;
        ArrivedAt = settings.TimeProvider.GetUtcNow();
    }

    public SessionSettings Settings { get; }

    public HttpContext HttpContext => _context;

    /// <summary>The request is outside the cookie's path: the session is neither read nor written.</summary>
    public bool IsDetached { get; }

    public DateTimeOffset ArrivedAt { get; }

    /// <summary>The application used the session in this request (so the response may depend on it).</summary>
    public bool WasUsed { get; private set; }

    public bool IsCleared { get; private set; }

    public bool IsLoaded => _data is not null;

    public bool SignedWithOlderSecret { get; private set; }

    public bool ResponseStarted { get; private set; }

    /// <summary>A change was made, or a live node handed out that may have been changed.</summary>
    public bool MayHaveChanged => _mayHaveChanged;

    /// <summary>The JSON the cookie brought; empty for a new session.</summary>
    public ReadOnlySpan<byte> LoadedJson => _loaded.AsSpan(_loadedOffset, _loadedLength);

    /// <summary>The cookie settings a handler changed, or <see langword="null"/> if it did not touch them.</summary>
    public CookieSessionCookie? ChangedCookie => _cookie;

    public JsonNode? this[string key]
    {
        get
        {
            var value = Use()[key];
            if (value is JsonObject or JsonArray)
            {
                _mayHaveChanged = true;
            }

            return value;
        }

        set
        {
            var data = Change();
            data[key] = value?.Parent is null ? value : value.DeepClone();
        }
    }

    public IEnumerable<string> Keys
    {
        get
        {
            var data = Use();
            var keys = new string[data.Count];
            var i = 0;
            foreach (var property in data)
            {
                keys[i++] = property.Key;
            }

            return keys;
        }
    }

    public bool IsNew
    {
        get
        {
            Use();
            return _isNew;
        }
    }

    public bool IsChanged
    {
        get
        {
            Use();
            if (_isNew)
            {
                // As cookie-session says: a session that did not exist has changed.
                return true;
            }

            if (!_mayHaveChanged)
            {
                return false;
            }

            var buffer = new PooledByteBuffer(_loadedLength + 64);
            try
            {
                Serialize(ref buffer);
                return !buffer.WrittenSpan.SequenceEqual(LoadedJson);
            }
            finally
            {
                buffer.Dispose();
            }
        }
    }

    public bool IsPopulated => Use().Count > 0;

    public CookieSessionCookie Cookie => _cookie ??= new CookieSessionCookie(Settings.Options.Cookie);

    ISession ISessionFeature.Session
    {
        get => _aspNetSession ??= new AspNetSession(this);
        set => throw new NotSupportedException("The session of the cookie session middleware cannot be replaced.");
    }

    public T? Get<T>(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!Use().TryGetPropertyValue(key, out var node) || node is null)
        {
            return default;
        }

        if (node is JsonValue value && value.TryGetValue(out T? direct))
        {
            return direct;
        }

        return node.Deserialize<T>(Settings.Options.SerializerOptions);
    }

    /// <summary>Looks a key up without handing out a live node to the application.</summary>
    public bool TryGetNode(string key, out JsonNode? node) => Use().TryGetPropertyValue(key, out node);

    public void Set<T>(string key, T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var data = Change();

        // The common primitives are wrapped directly; the type tests fold away when the method is compiled.
        if (typeof(T) == typeof(int))
        {
            data[key] = JsonValue.Create(Unsafe.As<T, int>(ref value));
        }
        else if (typeof(T) == typeof(long))
        {
            data[key] = JsonValue.Create(Unsafe.As<T, long>(ref value));
        }
        else if (typeof(T) == typeof(bool))
        {
            data[key] = JsonValue.Create(Unsafe.As<T, bool>(ref value));
        }
        else if (value is null)
        {
            data[key] = null;
        }
        else if (value is string text)
        {
            data[key] = JsonValue.Create(text);
        }
        else if (value is JsonNode node)
        {
            data[key] = node.Parent is null ? node : node.DeepClone();
        }
        else
        {
            data[key] = JsonSerializer.SerializeToNode(value, Settings.Options.SerializerOptions);
        }
    }

    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Change().Remove(key);
    }

    public void Clear() => Change().Clear();

    /// <summary>Connect's <c>req.session = null</c>: the cookie is deleted when the response starts.</summary>
    public void ClearCookie()
    {
        ThrowIfResponseStarted();
        WasUsed = true;
        IsCleared = true;
        _data = [];
        _mayHaveChanged = true;
    }

    /// <summary>Reads the cookie if that has not happened yet, without counting as a use by the application.</summary>
    public JsonObject EnsureLoaded()
    {
        if (_data is not null)
        {
            return _data;
        }

        if (!IsDetached)
        {
            var result = Settings.Format.Read(_context.Request);
            if (result.IsLoaded)
            {
                Load(result);
            }
            else if (result.Found)
            {
                Log.CookieRejected(Settings.Logger, Settings.CookieName, result.Rejection);
            }
        }

        return _data ??= [];
    }

    /// <summary>Writes the session's JSON, as <c>JSON.stringify</c> would, into <paramref name="buffer"/>.</summary>
    public void Serialize(ref PooledByteBuffer buffer)
        => JsJsonWriter.WriteObject(EnsureLoaded(), ref buffer, CookieSessionDefaults.MaxDepth);

    /// <summary>Called as the response starts: from now on the session cannot change.</summary>
    public void MarkResponseStarted() => ResponseStarted = true;

    /// <summary>Gives back the buffer that held the cookie's JSON.</summary>
    public void ReleaseLoadedJson()
    {
        var loaded = _loaded;
        _loaded = null;
        _loadedOffset = _loadedLength = 0;
        if (loaded is not null)
        {
            ArrayPool<byte>.Shared.Return(loaded);
        }
    }

    private void Load(SessionCookieReadResult result)
    {
        try
        {
            if (JsonNode.Parse(result.Json, s_nodeOptions, s_documentOptions) is JsonObject data)
            {
                _data = data;
                _isNew = false;
                _loaded = result.Buffer;
                _loadedOffset = result.Offset;
                _loadedLength = result.Length;
                SignedWithOlderSecret = !result.SignedWithCurrentKey;
                return;
            }
        }
        catch (JsonException)
        {
            // Signed, yet not JSON (or too deep, or with a repeated key): treated as no session.
        }

        ArrayPool<byte>.Shared.Return(result.Buffer!);
        Log.CookieRejected(Settings.Logger, Settings.CookieName, SessionCookieRejection.NotJsonObject);
    }

    private JsonObject Use()
    {
        WasUsed = true;
        return EnsureLoaded();
    }

    private JsonObject Change()
    {
        ThrowIfResponseStarted();
        var data = Use();
        _mayHaveChanged = true;
        IsCleared = false;
        return data;
    }

    private void ThrowIfResponseStarted()
    {
        if (ResponseStarted)
        {
            throw new InvalidOperationException(
                "The session cannot be changed after the response has started: its cookie has already been written. Change the session before writing the response body.");
        }
    }
}
