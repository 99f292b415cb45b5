using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.ObjectPool;

namespace CookieSession.Session;

/// <summary>
/// The request's <see cref="ISessionFeature"/> and the way to its <see cref="SessionState"/>, which is made only
/// when something uses the session: a request that never does allocates nothing, since these objects are pooled
/// per middleware and reused, as Kestrel reuses its <c>HttpContext</c>.
/// </summary>
/// <remarks>
/// Like an <c>HttpContext</c>, this object belongs to its request only while the request runs: what the
/// application keeps is the <see cref="SessionState"/> (<see cref="ICookieSession"/>), which is never reused and
/// refuses to be used once its request has ended.
/// </remarks>
internal sealed class SessionFeature : ISessionFeature
{
    private HttpContext? _context;
    private SessionSettings? _settings;
    private SessionState? _state;

    /// <summary>The <see cref="ISessionFeature"/> the request had before this middleware, restored when it leaves.</summary>
    public ISessionFeature? Previous { get; private set; }

    public SessionSettings? Settings => _settings;

    /// <summary>The request is outside the cookie's path: the session is neither read nor written.</summary>
    public bool IsDetached { get; private set; }

    /// <summary>The session, made on first use.</summary>
    public SessionState State
        => _state ??= new SessionState(
            _context ?? throw new InvalidOperationException("This session feature belongs to a request that has ended."),
            _settings!,
            IsDetached);

    /// <summary>The session if anything used it.</summary>
    public SessionState? StateIfUsed => _state;

    ISession ISessionFeature.Session
    {
        get => State.AspNetSession;
        set => throw new NotSupportedException("The session of the cookie session middleware cannot be replaced.");
    }

    public void Start(HttpContext context, SessionSettings settings, bool detached, ISessionFeature? previous)
    {
        _context = context;
        _settings = settings;
        IsDetached = detached;
        Previous = previous;
    }

    /// <summary>Forgets the request, before going back to the pool.</summary>
    public void Reset()
    {
        _context = null;
        _settings = null;
        _state = null;
        Previous = null;
        IsDetached = false;
    }

    /// <summary>Pooling: a returned feature is reset; nothing else is kept.</summary>
    public sealed class Policy : PooledObjectPolicy<SessionFeature>
    {
        public override SessionFeature Create() => new();

        public override bool Return(SessionFeature obj)
        {
            obj.Reset();
            return true;
        }
    }
}
