using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using CookieSession.Cookies;
using CookieSession.Formats;
using CookieSession.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CookieSession.Session;

/// <summary>
/// The session of one request, and its one owner: made as the request enters the middleware, it is the
/// <see cref="ISessionFeature"/>, <see cref="ICookieSession"/> and <see cref="ISession"/> the application sees, reads
/// the cookie on first use, and decides once what becomes of the cookie (<see cref="Commit"/>).
/// </summary>
/// <remarks>
/// <para>
/// Its <see cref="Phase"/> only moves forward: <see cref="Phase.Open"/> until the commit, then
/// <see cref="Phase.Committed"/>, or <see cref="Phase.Abandoned"/> when an exception leaves the pipeline. The commit
/// is registered with <c>Response.OnStarting</c> as the request enters, before anything the application registers,
/// so that it runs after them all: a change made by any of those callbacks (MVC saves TempData in one) is saved.
/// </para>
/// <para>
/// A response that has not started when the request leaves the middleware is committed there, so that a session
/// too large for its cookie is an exception the pipeline's error handling sees; that commit stays open to changes
/// until the response starts (a callback changing the session then writes the cookie again, in its place).
/// </para>
/// <para>
/// Small on purpose: a request that never touches the session allocates this object only. What the session holds
/// lives in <see cref="SessionContents"/>, made on first use.
/// </para>
/// </remarks>
internal sealed partial class RequestSession : ISessionFeature, ICookieSession
{
    private static readonly Func<object, Task> s_onStarting = static state =>
    {
        var session = (RequestSession)state;
        if (session.IsNeverUsed)
        {
            // Most requests: nothing to write, decided without a call.
            session._phase = Phase.Committed;
            session._flags |= Flags.ResponseStarted;
        }
        else
        {
            session.CommitAsResponseStarts();
        }

        return Task.CompletedTask;
    };

    private const string ReflectionMessage = ICookieSession.ReflectionMessage;

    private readonly HttpContext _context;
    private readonly ResolvedOptions _settings;
    /// <summary>The <see cref="ISessionFeature"/> found as the request entered, put back as it leaves; only stored, so not cast.</summary>
    private readonly object? _previous;
    private readonly RequestSession? _outer;
    private SessionContents? _contents;
    private Phase _phase;
    private Flags _flags;

    private RequestSession(HttpContext context, ResolvedOptions settings, object? previous, RequestSession? outer, bool detached)
    {
        _context = context;
        _settings = settings;
        _previous = previous;
        _outer = outer;
        _flags = Flags.Entered | (detached ? Flags.Detached : Flags.None);
    }

    /// <summary>Where a request's session stands; it only moves forward.</summary>
    public enum Phase : byte
    {
        /// <summary>The application may read and change the session (read from the cookie on first use).</summary>
        Open,

        /// <summary>The outcome was decided and carried out: the session can be read, not changed.</summary>
        Committed,

        /// <summary>An exception left the pipeline: nothing the request changed is saved.</summary>
        Abandoned,
    }

    [Flags]
    private enum Flags : byte
    {
        None = 0,

        /// <summary>The request is inside the middleware.</summary>
        Entered = 1,

        /// <summary>The request left the middleware at least once.</summary>
        Left = 2,

        /// <summary>The request is outside the cookie's path: the session is neither read nor written.</summary>
        Detached = 4,

        /// <summary>The application used the session: the response depends on the cookie.</summary>
        Used = 8,

        /// <summary><c>OnValidateSession</c> is running: what it reads is not a use by the application.</summary>
        Validating = 16,

        /// <summary><c>OnValidateSession</c> asked for a new cookie.</summary>
        RenewRequested = 32,

        /// <summary>The session was cleared: the request's cookie is deleted unless something is stored again.</summary>
        DeleteCookie = 64,

        /// <summary>The response started: the commit can no longer be taken back.</summary>
        ResponseStarted = 128,
    }

    public HttpContext HttpContext => _context;

    /// <summary>The request is outside the cookie's path: the session is neither read nor written.</summary>
    public bool IsDetached => Has(Flags.Detached);

    /// <summary>The contents, read from the cookie on first access; reading them is not a use by the application.</summary>
    public SessionContents Contents => _contents ?? Load();

    ISession ISessionFeature.Session
    {
        get => this;
        set => throw new NotSupportedException("The session of the cookie session middleware cannot be replaced.");
    }

    /// <summary>
    /// The request enters the middleware: the session of this request, new or (the pipeline executed again before the
    /// response started, as status-code pages do) the one it had, with its commit registered.
    /// </summary>
    public static RequestSession Enter(HttpContext context, ResolvedOptions settings)
    {
        // Features are looked up by their Type: the generic Get/Set are generic interface methods, slower to dispatch.
        var features = context.Features;
        var previous = features[typeof(ISessionFeature)];
        var head = features[typeof(RequestSession)];
        if (head is not null || !settings.CoversEveryPath || settings.LoadsOnEntry)
        {
            return EnterAmongOthers(context, settings, features, previous, head as RequestSession);
        }

        // Most requests: the first session of the request, on a path the cookie covers, read on first use.
        var session = new RequestSession(context, settings, previous, outer: null, detached: false);
        session.RegisterCommit(features);
        features[typeof(RequestSession)] = session;
        features[typeof(ISessionFeature)] = session;
        return session;
    }

    /// <summary>
    /// Entering where the request has sessions already (a re-execution, or a cookie session middleware around this
    /// one), outside the cookie's path, or where every request reads the cookie as it enters.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static RequestSession EnterAmongOthers(HttpContext context, ResolvedOptions settings, IFeatureCollection features, object? previous, RequestSession? head)
    {
        RequestSession? outer = null;
        for (var earlier = head; earlier is not null; earlier = earlier._outer)
        {
            if (earlier.Has(Flags.Entered))
            {
                // The session of a cookie session middleware around this one, put back as this one leaves.
                outer = earlier;
                break;
            }

            if (ReferenceEquals(earlier._settings, settings) && !earlier.IsDetached && earlier.TryReopen())
            {
                // This middleware's session of an earlier pass of the same request, the response not yet started.
                earlier._flags |= Flags.Entered;
                features[typeof(ISessionFeature)] = earlier;
                return earlier;
            }
        }

        var detached = !settings.CoversEveryPath && !CookiePath.Matches(context.Request, settings.DefaultCookie.Path);
        if (detached)
        {
            Log.OutsidePath(settings.Logger, settings.DefaultCookie.Path);
        }

        var session = new RequestSession(context, settings, previous, outer, detached);
        if (!detached)
        {
            session.RegisterCommit(features);
        }

        features[typeof(RequestSession)] = session;
        features[typeof(ISessionFeature)] = session;
        if (settings.LoadsOnEntry && !detached)
        {
            // Connect's SaveUninitialized gives even a request that never touches the session a cookie; the
            // validation hook reads it on every request.
            _ = session.Contents;
        }

        return session;
    }

    /// <summary>Registers the commit as the response starts: as the request enters, so that it runs after every callback the application registers.</summary>
    private void RegisterCommit(IFeatureCollection features)
    {
        // Through the feature looked up by its Type: HttpResponse.OnStarting fetches it through the generic Get,
        // whose dispatch costs more than the rest of registering.
        if (features[typeof(IHttpResponseFeature)] is IHttpResponseFeature response)
        {
            response.OnStarting(s_onStarting, this);
        }
        else
        {
            _context.Response.OnStarting(s_onStarting, this);
        }
    }

    /// <summary>
    /// The request leaves the middleware without an exception: a response that has not started is committed first, so
    /// that what fails in the commit fails in the pipeline, and then <see cref="ISessionFeature"/> is put back as it was.
    /// </summary>
    /// <exception cref="CookieSessionTooLargeException">The session does not fit its cookie.</exception>
    public void Leave()
    {
        _flags = (_flags & ~Flags.Entered) | Flags.Left;
        var features = _context.Features;
        try
        {
            // A session awaiting its response stays a feature under its own type (the head of the chain of sessions the
            // request's middlewares made): a re-execution of the pipeline goes on with it, and so does GetCookieSession
            // in a callback that runs as the response starts.
            if (_phase != Phase.Open || IsDetached)
            {
                LeaveChain(features);
            }
            else if (Has(Flags.Used) || _settings.SaveUninitialized)
            {
                if (_context.Response.HasStarted)
                {
                    LeaveChain(features);
                }
                else
                {
                    Commit();
                }
            }

            // Else nothing to commit yet: the commit registered as the request entered decides as the response starts.
        }
        finally
        {
            // After the commit: setting a feature makes the context look up again every feature it had found (the
            // request's and the response's, which the commit reads).
            features[typeof(ISessionFeature)] = _previous;
        }
    }

    /// <summary>An exception leaves the pipeline: nothing the request changed is saved, and the features are put back.</summary>
    public void Fail()
    {
        _flags = (_flags & ~Flags.Entered) | Flags.Left;
        _phase = Phase.Abandoned;
        var features = _context.Features;
        features[typeof(ISessionFeature)] = _previous;
        LeaveChain(features);
    }

    /// <summary>The session the application reaches in this request: the one of the innermost middleware it is in, else the last one made.</summary>
    public static RequestSession? Of(IFeatureCollection features)
    {
        if (features[typeof(ISessionFeature)] is RequestSession current)
        {
            return current;
        }

        // Another session feature (ASP.NET's own session inside this middleware), or none once the request left.
        var head = features[typeof(RequestSession)] as RequestSession;
        for (var session = head; session is not null; session = session._outer)
        {
            if (session.Has(Flags.Entered))
            {
                return session;
            }
        }

        return head;
    }

    /// <summary>Takes this session off the head of the request's chain of sessions, if it is there.</summary>
    private void LeaveChain(IFeatureCollection features)
    {
        if (features[typeof(RequestSession)] == this)
        {
            features[typeof(RequestSession)] = _outer;
        }
    }

    /// <summary>Open, and never read: as the response starts, there is nothing to write.</summary>
    private bool IsNeverUsed => _contents is null && _phase == Phase.Open && !_settings.SaveUninitialized;

    /// <summary>The response starts: the commit is final, made now if the request left no outcome yet.</summary>
    private void CommitAsResponseStarts()
    {
        if (_phase == Phase.Committed && _contents is not null && TypedViewsChanged())
        {
            // A typed value changed in place after the commit the request made as it left: no setter saw it.
            TryReopen();
        }

        if (_phase == Phase.Open)
        {
            try
            {
                Commit();
            }
            catch (CookieSessionUnavailableException)
            {
                // The headers are not sent yet: the status still says that the session's change was lost. The cookie
                // the request brought stays as it was.
                _context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                _context.Response.Headers.CacheControl = "no-store";
                Log.SessionNotSealed(_settings.Logger, _settings.CookieName);
            }
        }
        else if (_phase == Phase.Committed && _contents is { Written.First: not null })
        {
            // Committed as the request left: what ran since may have made the response cacheable again.
            CachingHeaders.MakeNotStorableBySharedCaches(_context.Response);
        }

        _flags |= Flags.ResponseStarted;
        _contents?.ResponseCookie?.Freeze();
    }

    /// <summary>
    /// A commit made as the request left, with the response not yet started, is taken back so that the session can
    /// change again (a re-execution of the pipeline, or a callback as the response starts); false once it is final.
    /// </summary>
    private bool TryReopen()
    {
        if (_phase == Phase.Open)
        {
            return true;
        }

        if (_phase != Phase.Committed || Has(Flags.ResponseStarted) || _context.Response.HasStarted)
        {
            return false;
        }

        TakeBackWrite();
        _phase = Phase.Open;
        return true;
    }

    // ICookieSession

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
            var contents = Use();
            if (contents.IsNew)
            {
                // As cookie-session says: a session that did not exist has changed.
                return true;
            }

            if (!contents.MayHaveChanged)
            {
                return false;
            }

            var buffer = new PooledByteBuffer(contents.LoadedJson.Length + 64);
            try
            {
                contents.Serialize(ref buffer);
                return !buffer.WrittenSpan.SequenceEqual(contents.LoadedJson);
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
            var contents = Use();
            if (_phase == Phase.Committed)
            {
                // Committed as the request left: settings changed as the response starts are written too.
                TryReopen();
            }

            if (contents.ResponseCookie is null)
            {
                contents.ResponseCookie = new CookieSessionCookie(_settings.Options.Cookie);
                if (IsCommitted)
                {
                    contents.ResponseCookie.Freeze();
                }
            }

            return contents.ResponseCookie;
        }
    }

    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public T? Get<T>(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Use().Get<T>(key, _settings.Options.SerializerOptions);
    }

    public T? Get<T>(string key, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return Use().Get(key, _settings.Options.SerializerOptions, typeInfo);
    }

    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public bool TryGet<T>(string key, out T? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Use().TryGet(key, _settings.Options.SerializerOptions, out value);
    }

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
        var contents = Change();

        // The common primitives are wrapped directly; the type tests fold away when the method is compiled.
        JsonNode? node;
        if (typeof(T) == typeof(int))
        {
            contents.SetInteger(key, Unsafe.As<T, int>(ref value), isInt32: true);
            return;
        }
        else if (typeof(T) == typeof(long))
        {
            contents.SetInteger(key, Unsafe.As<T, long>(ref value), isInt32: false);
            return;
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
            node = JsSerializer.SerializeToNode(value, _settings.Options.SerializerOptions, typeInfo);
        }

        contents.Set(key, node);
    }

    public string? GetString(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Use().Get(key, _settings.Options.SerializerOptions, PrimitiveJson.Default.String);
    }

    public long? GetInteger(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Use().GetValue(key, _settings.Options.SerializerOptions, PrimitiveJson.Default.Int64);
    }

    public double? GetNumber(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Use().GetValue(key, _settings.Options.SerializerOptions, PrimitiveJson.Default.Double);
    }

    public bool? GetBoolean(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Use().GetValue(key, _settings.Options.SerializerOptions, PrimitiveJson.Default.Boolean);
    }

    public void SetString(string key, string? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Change().Set(key, value is null ? null : JsonValue.Create(value));
    }

    public void SetInteger(string key, long value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Change().SetInteger(key, value, isInt32: false);
    }

    public void SetNumber(string key, double value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no NaN or infinity: JSON.stringify would write null.");
        }

        Change().Set(key, JsonValue.Create(value));
    }

    public void SetBoolean(string key, bool value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Change().Set(key, JsonValue.Create(value));
    }

    /// <summary>
    /// The session as a <typeparamref name="TSession"/>, one view per type and request, read through
    /// <paramref name="typeInfo"/> or, without one, through the serializer options' resolver.
    /// </summary>
    public ICookieSession<TSession> Typed<TSession>(JsonTypeInfo<TSession>? typeInfo)
        where TSession : class, new()
    {
        var contents = Readable();
        if (contents.TypedViews is { } views)
        {
            foreach (var view in views)
            {
                if (view is TypedSession<TSession> typed)
                {
                    return typed;
                }
            }
        }

        var created = new TypedSession<TSession>(this, typeInfo ?? TypeInfoOf<TSession>());
        (contents.TypedViews ??= []).Add(created);
        return created;
    }

    private JsonTypeInfo<TSession> TypeInfoOf<TSession>()
    {
        try
        {
            return (JsonTypeInfo<TSession>)_settings.Options.SerializerOptions.GetTypeInfo(typeof(TSession));
        }
        catch (NotSupportedException e)
        {
            throw new InvalidOperationException(
                $"No JSON metadata for the session type {typeof(TSession)}: under Native AOT or with reflection disabled, add a JsonSerializerContext that declares it, once at registration (AddCookieSession(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJson.Default))), or pass its JsonTypeInfo to GetCookieSession.",
                e);
        }
    }

    /// <summary>The contents for a typed view's first read: a use, as any read.</summary>
    internal SessionContents ContentsForTypedView() => Use();

    /// <summary>The contents for a typed view's changes, as the commit writes them.</summary>
    internal SessionContents ContentsForTypedChange() => _contents!;

    /// <summary>Removes a key; removing one that is not there changes nothing, and does not even count as a use.</summary>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!Readable().Contains(key))
        {
            return false;
        }

        return Change().Remove(key);
    }

    /// <summary>Empties the session; emptying an empty one changes nothing, and does not even count as a use.</summary>
    public void Clear()
    {
        if (Readable().Count > 0)
        {
            Change().Clear();
        }
    }

    /// <summary>
    /// Connect's <c>req.session = null</c>: the cookie is deleted when the response starts. What the old cookie
    /// held and said (its times, its key) no longer applies: anything stored now is a new session.
    /// </summary>
    public void ClearCookie()
    {
        var before = Change();
        // The value the cookie brought is still what the commit replaces, as is the cache's entry of it read here first.
        _contents = new SessionContents { ResponseCookie = before.ResponseCookie, TypedViews = before.TypedViews, FirstReadOfWritten = before.FirstReadOfWritten };
        if (before.TypedViews is { } views)
        {
            // What the typed values hold now and change later goes into the new session.
            foreach (var view in views)
            {
                view.SessionCleared();
            }
        }

        _flags = (_flags & ~Flags.RenewRequested) | Flags.DeleteCookie;
    }

    /// <summary>
    /// Runs <see cref="CookieSessionOptions.OnValidateSession"/> when the request brought a valid cookie. Reading the
    /// cookie for it does not count as a use by the application.
    /// </summary>
    public async Task ValidateAsync(Func<CookieSessionValidationContext, Task> validate)
    {
        if (IsDetached || Contents.IsNew)
        {
            return;
        }

        // Flask's and Django's values carry when they were signed, not when the session began.
        var times = Contents.Times;
        var context = new CookieSessionValidationContext(this, _settings.Descriptor.CarriesTimes ? times?.CreatedAt : null, times?.IssuedAt);
        _flags |= Flags.Validating;
        try
        {
            await validate(context).ConfigureAwait(false);
        }
        finally
        {
            _flags &= ~Flags.Validating;
        }

        if (context.ShouldRenew && !context.IsRejected && !IsCommitted)
        {
            _flags |= Flags.RenewRequested;
            MarkUsed();
        }
    }

    /// <summary>Reads the session for the application (<c>ISession.LoadAsync</c>).</summary>
    public void LoadForApplication() => Use();

    private bool Has(Flags flag) => (_flags & flag) != 0;

    /// <summary>The response started, or the outcome was decided and the session cannot be reopened.</summary>
    private bool IsCommitted => _phase != Phase.Open || _context.Response.HasStarted;

    /// <summary>The request is over: nothing of it may be read any more (its context may serve another request).</summary>
    private bool IsOver => Has(Flags.Left) && (_phase == Phase.Abandoned || Has(Flags.ResponseStarted));

    /// <summary>The contents, for a read that counts as a use (the response then depends on the cookie).</summary>
    private SessionContents Use()
    {
        var contents = Readable();
        if (!Has(Flags.Validating))
        {
            MarkUsed();
        }

        return contents;
    }

    /// <summary>The contents, for a read that does not count as a use by itself.</summary>
    /// <exception cref="CookieSessionUnavailableException">The cookie could not be opened: the key ring cannot be read.</exception>
    private SessionContents Readable()
    {
        if (IsOver)
        {
            throw new InvalidOperationException("This session belongs to a request that has ended; use the session of the current request.");
        }

        var contents = _contents ?? Load();
        if (contents.IsUnavailable)
        {
            throw new CookieSessionUnavailableException(_settings.CookieName);
        }

        return contents;
    }

    /// <summary>Whether the session can be used: inside the cookie's path, and not unavailable (<see cref="SessionContents.IsUnavailable"/>).</summary>
    public bool IsAvailable => !IsDetached && !Contents.IsUnavailable;

    private void MarkUsed() => _flags |= Flags.Used;

    private SessionContents Change()
    {
        if (_phase == Phase.Committed)
        {
            // Committed as the request left: a callback running as the response starts may still change it.
            TryReopen();
        }

        if (IsCommitted)
        {
            throw new InvalidOperationException(
                "The session cannot be changed after the response has started: its cookie has already been written. Change the session before writing the response body.");
        }

        // Only reads are exempt while the validation hook runs: a change must be written.
        var contents = Readable();
        MarkUsed();
        return contents;
    }

    /// <summary>Reads the cookie: the one place a client's bytes turn into a session, so the error boundary.</summary>
    private SessionContents Load()
    {
        var contents = new SessionContents();
        _contents = contents;
        if (IsDetached)
        {
            return contents;
        }

        var settings = _settings;
        SessionCookieRejection rejection;
        string? error = null;
        try
        {
            var result = settings.Format.Read(_context.Request);
            if (result.IsLoaded)
            {
                contents.Load(result);
                settings.Metrics?.Loaded(settings.Descriptor);
                return contents;
            }

            rejection = result.Rejection;
            if (rejection == SessionCookieRejection.KeyRingUnavailable)
            {
                // Not a bad cookie: an empty session here would let the application's next write replace the user's.
                _contents = contents = new SessionContents { IsUnavailable = true };
                Log.SessionUnavailable(settings.Logger, settings.CookieName);
                return contents;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The exception's message may quote the cookie: only its type is logged.
            _contents = contents = new SessionContents();
            rejection = SessionCookieRejection.Malformed;
            error = e.GetType().Name;
        }

        if (rejection != SessionCookieRejection.None)
        {
            Log.CookieRejected(settings.Logger, settings.CookieName, rejection, error is null ? string.Empty : ": " + error);
            settings.Metrics?.Rejected(settings.Descriptor, rejection);
        }

        return contents;
    }
}
