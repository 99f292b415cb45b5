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
/// <remarks>
/// Most requests read a value or two and change one at most, so the session is not turned into a tree of
/// <see cref="JsonNode"/>s unless it must be: reads are answered from the verified JSON itself
/// (<see cref="SessionData"/>), changes are kept beside it, and the JSON is written back by copying what did
/// not change. Only handing out a live node, or an order only a tree can keep, builds the tree.
/// </remarks>
internal sealed class SessionState : ICookieSession, ISessionFeature
{
    private readonly HttpContext _context;
    private SessionData _data;
    private bool _loaded;
    private bool _requestEnded;
    private bool _committed;
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

    public bool IsLoaded => _loaded;

    public bool SignedWithOlderSecret { get; private set; }

    public bool ResponseStarted { get; private set; }

    /// <summary>A change was made, or a live node handed out that may have been changed.</summary>
    public bool MayHaveChanged => _data.MayHaveChanged;

    /// <summary>The JSON the cookie brought; empty for a new session.</summary>
    public ReadOnlySpan<byte> LoadedJson => _data.LoadedJson;

    /// <summary>The cookie settings a handler changed, or <see langword="null"/> if it did not touch them.</summary>
    public CookieSessionCookie? ChangedCookie => _cookie;

    public JsonNode? this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            Use();
            return _data.GetLiveNode(key);
        }

        set
        {
            ArgumentNullException.ThrowIfNull(key);
            Change();
            _data.Set(key, value?.Parent is null ? value : value.DeepClone());
        }
    }

    public IEnumerable<string> Keys
    {
        get
        {
            Use();
            return _data.Keys();
        }
    }

    public bool IsNew
    {
        get
        {
            Use();
            return _data.IsNew;
        }
    }

    public bool IsChanged
    {
        get
        {
            Use();
            if (_data.IsNew)
            {
                // As cookie-session says: a session that did not exist has changed.
                return true;
            }

            if (!_data.MayHaveChanged)
            {
                return false;
            }

            var buffer = new PooledByteBuffer(_data.LoadedJson.Length + 64);
            try
            {
                _data.Serialize(ref buffer);
                return !buffer.WrittenSpan.SequenceEqual(_data.LoadedJson);
            }
            finally
            {
                buffer.Dispose();
            }
        }
    }

    public bool IsPopulated
    {
        get
        {
            Use();
            return _data.Count > 0;
        }
    }

    public CookieSessionCookie Cookie => _cookie ??= new CookieSessionCookie(Settings.Options.Cookie);

    ISession ISessionFeature.Session
    {
        get => _aspNetSession ??= new AspNetSession(this);
        set => throw new NotSupportedException("The session of the cookie session middleware cannot be replaced.");
    }

    public T? Get<T>(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Use();
        return _data.Get<T>(key, Settings.Options.SerializerOptions);
    }

    /// <summary>Looks a key up as a node, for the <see cref="ISession"/> adapter.</summary>
    public bool TryGetNode(string key, out JsonNode? node)
    {
        Use();
        return _data.TryGetNode(key, out node);
    }

    public void Set<T>(string key, T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Change();

        // The common primitives are wrapped directly; the type tests fold away when the method is compiled.
        JsonNode? node;
        if (typeof(T) == typeof(int))
        {
            node = JsonValue.Create(Unsafe.As<T, int>(ref value));
        }
        else if (typeof(T) == typeof(long))
        {
            node = JsonValue.Create(Unsafe.As<T, long>(ref value));
        }
        else if (typeof(T) == typeof(bool))
        {
            node = JsonValue.Create(Unsafe.As<T, bool>(ref value));
        }
        else if (value is null)
        {
            node = null;
        }
        else if (value is string text)
        {
            node = JsonValue.Create(text);
        }
        else if (value is JsonNode given)
        {
            node = given.Parent is null ? given : given.DeepClone();
        }
        else
        {
            node = JsSerializer.SerializeToNode(value, Settings.Options.SerializerOptions);
        }

        _data.Set(key, node);
    }

    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Change();
        return _data.Remove(key);
    }

    public void Clear()
    {
        Change();
        _data.Clear();
    }

    /// <summary>Connect's <c>req.session = null</c>: the cookie is deleted when the response starts.</summary>
    public void ClearCookie()
    {
        ThrowIfResponseStarted();
        EnsureLoaded();
        WasUsed = true;
        IsCleared = true;
        _data.Clear();
    }

    /// <summary>Reads the cookie if that has not happened yet, without counting as a use by the application.</summary>
    public void EnsureLoaded()
    {
        if (_loaded)
        {
            return;
        }

        _loaded = true;
        if (IsDetached)
        {
            return;
        }

        var result = Settings.Format.Read(_context.Request);
        if (result.IsLoaded)
        {
            if (_data.TryLoad(result))
            {
                SignedWithOlderSecret = !result.SignedWithCurrentKey;
                return;
            }

            ArrayPool<byte>.Shared.Return(result.Buffer!);
            Log.CookieRejected(Settings.Logger, Settings.CookieName, SessionCookieRejection.NotJsonObject);
        }
        else if (result.Found)
        {
            Log.CookieRejected(Settings.Logger, Settings.CookieName, result.Rejection);
        }
    }

    /// <summary>Writes the session's JSON, as <c>JSON.stringify</c> would, into <paramref name="buffer"/>.</summary>
    public void Serialize(ref PooledByteBuffer buffer)
    {
        EnsureLoaded();
        _data.Serialize(ref buffer);
    }

    /// <summary>Called as the response starts: from now on the session cannot change.</summary>
    public void MarkResponseStarted() => ResponseStarted = true;

    /// <summary>Called once the cookie is dealt with: the buffers go back when the request is over too.</summary>
    public void Committed()
    {
        _committed = true;
        if (_requestEnded)
        {
            _data.Release();
        }
    }

    /// <summary>
    /// Called when the request leaves the middleware: the application can no longer reach the session.
    /// The buffers go back now if the cookie has been dealt with (or never will be), else when it is.
    /// </summary>
    public void RequestEnded()
    {
        _requestEnded = true;
        if (_committed || IsDetached)
        {
            _data.Release();
        }
    }

    private void Use()
    {
        if (_data.IsReleased)
        {
            throw new InvalidOperationException("This session belongs to a request that has ended; use the session of the current request.");
        }

        WasUsed = true;
        EnsureLoaded();
    }

    private void Change()
    {
        ThrowIfResponseStarted();
        Use();
        IsCleared = false;
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
