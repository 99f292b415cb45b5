using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using CookieSession.Formats;
using CookieSession.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CookieSession.Session;

/// <summary>
/// The session of one request. It reads the cookie the first time it is used, keeps the JSON it read so that
/// the commit can tell whether anything changed, and refuses changes once the response has started.
/// It is made on the first use of the session (<see cref="SessionFeature"/>), and never reused.
/// </summary>
/// <remarks>
/// Reading the cookie is the error boundary of the middleware: whatever a format or the JSON reader throws
/// for what a client sent becomes an empty session and a logged rejection, never an exception for the app.
/// The commit (<see cref="SessionCommit"/>) is scheduled on the first use, so a request that never touches
/// the session costs no <c>OnStarting</c> callback.
/// </remarks>
internal sealed class SessionState : ICookieSession
{
    private static readonly Func<object, Task> s_onStarting = static state =>
    {
        SessionCommit.Run((SessionState)state);
        return Task.CompletedTask;
    };

    private const string ReflectionMessage = ICookieSession.ReflectionMessage;

    private readonly HttpContext _context;
    private SessionStage _stage;
    private SessionFlags _flags;
    private SessionData? _data;
    private SessionCookieReadResult _read;
    private CookieSessionCookie? _cookie;
    private AspNetSession? _aspNetSession;

    public SessionState(HttpContext context, SessionSettings settings, bool detached)
    {
        _context = context;
        Settings = settings;
        IsDetached = detached;
        if (!detached && settings.Options.SaveUninitialized)
        {
            // Connect's way: even a request that never touches the session may get a cookie.
            ScheduleCommit();
        }
    }

    public SessionSettings Settings { get; }

    public HttpContext HttpContext => _context;

    /// <summary>The request is outside the cookie's path: the session is neither read nor written.</summary>
    public bool IsDetached { get; }

    public SessionStage Stage => _stage;

    /// <summary>The application used the session in this request (so the response depends on the cookie).</summary>
    public bool WasUsed => Has(SessionFlags.Used);

    /// <summary>The session was cleared and nothing was stored since: its cookie is deleted.</summary>
    public bool DeletesCookie => Has(SessionFlags.DeleteCookie);

    /// <summary>What the cookie said about the session: whether it wants renewing, and its times.</summary>
    public ref readonly SessionCookieReadResult Read => ref _read;

    /// <summary>The session's contents; read from the cookie on first access.</summary>
    public SessionData Data => _data ?? Load();

    /// <summary>The cookie settings a handler asked for, or <see langword="null"/> if it never looked at them.</summary>
    public CookieSessionCookie? ChangedCookie => _cookie;

    public JsonNode? this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            return Use().GetLiveNode(key);
        }

        set
        {
            ArgumentNullException.ThrowIfNull(key);
            Change().Set(key, value?.Parent is null ? value : value.DeepClone());
        }
    }

    public IEnumerable<string> Keys => Use().Keys();

    public bool IsNew => Use().IsNew;

    public bool IsChanged
    {
        get
        {
            var data = Use();
            if (data.IsNew)
            {
                // As cookie-session says: a session that did not exist has changed.
                return true;
            }

            if (!data.MayHaveChanged)
            {
                return false;
            }

            var buffer = new PooledByteBuffer(data.LoadedJson.Length + 64);
            try
            {
                data.Serialize(ref buffer);
                return !buffer.WrittenSpan.SequenceEqual(data.LoadedJson);
            }
            finally
            {
                buffer.Dispose();
            }
        }
    }

    public bool IsPopulated => Use().Count > 0;

    public CookieSessionCookie Cookie
    {
        get
        {
            // Changing the cookie settings writes the cookie: the session must be read to be written.
            Use();
            if (_cookie is null)
            {
                _cookie = new CookieSessionCookie(Settings.Options.Cookie);
                if (IsCommitted)
                {
                    _cookie.Freeze();
                }
            }

            return _cookie;
        }
    }

    /// <summary>The session as <c>HttpContext.Session</c> shows it.</summary>
    public ISession AspNetSession => _aspNetSession ??= new AspNetSession(this);

    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public T? Get<T>(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Use().Get<T>(key, Settings.Options.SerializerOptions);
    }

    public T? Get<T>(string key, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return Use().Get(key, Settings.Options.SerializerOptions, typeInfo);
    }

    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public bool TryGet<T>(string key, out T? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Use().TryGet(key, Settings.Options.SerializerOptions, out value);
    }

    /// <summary>Looks a key up as a node, for the <see cref="ISession"/> adapter.</summary>
    public bool TryGetNode(string key, out JsonNode? node) => Use().TryGetNode(key, out node);

    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public void Set<T>(string key, T value) => Store(key, value, typeInfo: null);

    public void Set<T>(string key, T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        Store(key, value, typeInfo);
    }

    private void Store<T>(string key, T value, JsonTypeInfo<T>? typeInfo)
    {
        ArgumentNullException.ThrowIfNull(key);
        var data = Change();

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
            node = JsSerializer.SerializeToNode(value, Settings.Options.SerializerOptions, typeInfo);
        }

        data.Set(key, node);
    }

    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Change().Remove(key);
    }

    public void Clear() => Change().Clear();

    /// <summary>
    /// Connect's <c>req.session = null</c>: the cookie is deleted when the response starts. What the old cookie
    /// held and said (its times, its key) no longer applies: anything stored now is a new session.
    /// </summary>
    public void ClearCookie()
    {
        ThrowIfCommitted();
        Use().Release();
        _data = new SessionData();
        _read = default;
        _flags = (_flags & ~SessionFlags.RenewRequested) | SessionFlags.DeleteCookie;

        // Deleting the cookie is a use even when the validation hook does it.
        MarkUsed();
    }

    /// <summary>The commit is registered and has not run: the response has not started.</summary>
    public bool AwaitsCommit => _stage == SessionStage.Open && Has(SessionFlags.CommitScheduled) && !_context.Response.HasStarted;

    /// <summary>Whether <see cref="CookieSessionOptions.OnValidateSession"/> asked for a new cookie.</summary>
    public bool RenewRequested => Has(SessionFlags.RenewRequested);

    /// <summary>
    /// Runs <see cref="CookieSessionOptions.OnValidateSession"/> when the request brought a valid cookie. Reading the
    /// cookie for it does not count as a use by the application.
    /// </summary>
    public async Task ValidateAsync(Func<CookieSessionValidationContext, Task> validate)
    {
        if (IsDetached || Data.IsNew)
        {
            return;
        }

        var context = new CookieSessionValidationContext(this, _read.Times?.CreatedAt, _read.Times?.IssuedAt);
        _flags |= SessionFlags.Validating;
        try
        {
            await validate(context).ConfigureAwait(false);
        }
        finally
        {
            _flags &= ~SessionFlags.Validating;
        }

        if (context.ShouldRenew && !context.IsRejected && !IsCommitted)
        {
            _flags |= SessionFlags.RenewRequested;
            MarkUsed();
        }
    }

    /// <summary>Reads the session for the application (<c>ISession.LoadAsync</c>).</summary>
    public void LoadForApplication() => Use();

    /// <summary>Called by the commit as the response starts: from now on the session cannot change.</summary>
    public void MarkCommitted()
    {
        if (_stage == SessionStage.Open)
        {
            _stage = SessionStage.Committed;
        }

        _cookie?.Freeze();
        if (Has(SessionFlags.RequestEnded))
        {
            _data?.Release();
        }
    }

    /// <summary>
    /// The same request through the middleware again (a status-code page that re-executes the pipeline): the session
    /// goes on, with one commit. What was read is read again if its buffer went back.
    /// </summary>
    public SessionState Reenter()
    {
        _flags &= ~SessionFlags.RequestEnded;
        if (_data is { IsReleased: true })
        {
            _data = null;
        }

        return this;
    }

    /// <summary>
    /// Called when an exception leaves the pipeline: nothing the failed request changed is saved. An error page that
    /// re-executes the pipeline on the same request gets a session of its own.
    /// </summary>
    public void Abandon() => _stage = SessionStage.Abandoned;

    /// <summary>
    /// Called when the request leaves the middleware: the application can no longer reach the session. The
    /// buffers go back now, unless a commit still to come needs them (then the commit returns them).
    /// </summary>
    public void RequestEnded()
    {
        _flags |= SessionFlags.RequestEnded;
        if (_stage != SessionStage.Open || !Has(SessionFlags.CommitScheduled))
        {
            _data?.Release();
        }
    }

    private bool IsCommitted => _stage != SessionStage.Open || _context.Response.HasStarted;

    private bool Has(SessionFlags flag) => (_flags & flag) != 0;

    private SessionData Use()
    {
        if (Has(SessionFlags.RequestEnded))
        {
            throw new InvalidOperationException("This session belongs to a request that has ended; use the session of the current request.");
        }

        if (!Has(SessionFlags.Validating))
        {
            MarkUsed();
        }

        return _data ?? Load();
    }

    private void MarkUsed()
    {
        if (!Has(SessionFlags.Used))
        {
            _flags |= SessionFlags.Used;
            ScheduleCommit();
        }
    }

    private SessionData Change()
    {
        ThrowIfCommitted();

        // Only reads are exempt while the validation hook runs: a change must be written.
        MarkUsed();
        return Use();
    }

    private void ScheduleCommit()
    {
        if (!Has(SessionFlags.CommitScheduled) && !IsDetached && !_context.Response.HasStarted)
        {
            _context.Response.OnStarting(s_onStarting, this);
            _flags |= SessionFlags.CommitScheduled;
        }
    }

    /// <summary>Reads the cookie: the one place a client's bytes turn into a session, so the error boundary.</summary>
    private SessionData Load()
    {
        var data = new SessionData();
        _data = data;
        if (IsDetached)
        {
            return data;
        }

        SessionCookieRejection rejection;
        string? error = null;
        try
        {
            var result = Settings.Format.Read(_context.Request);
            if (!result.IsLoaded)
            {
                rejection = result.Rejection;
            }
            else
            {
                data.Load(result);
                _read = result;
                Settings.Metrics?.Loaded(Settings.Options.Format);
                return data;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The exception's message may quote the cookie: only its type is logged.
            _data = data = new SessionData();
            rejection = SessionCookieRejection.Malformed;
            error = e.GetType().Name;
        }

        if (rejection != SessionCookieRejection.None)
        {
            Log.CookieRejected(Settings.Logger, Settings.CookieName, rejection, error is null ? string.Empty : ": " + error);
            Settings.Metrics?.Rejected(Settings.Options.Format, rejection);
        }

        return data;
    }

    private void ThrowIfCommitted()
    {
        // A response that started without the session ever being used had no commit: its cookie is gone too.
        if (IsCommitted)
        {
            throw new InvalidOperationException(
                "The session cannot be changed after the response has started: its cookie has already been written. Change the session before writing the response body.");
        }
    }
}
