using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CookieSession.Session;

/// <summary>
/// The request's <see cref="ISessionFeature"/> and the way to its <see cref="SessionState"/>, which is made only
/// when something uses the session: a request that never does allocates nothing, since these objects are reused,
/// as Kestrel reuses its <c>HttpContext</c>: one spare a thread, taken as a request enters and given back as it
/// leaves (more in flight on a thread are made and dropped). A thread-local slot costs less than a shared pool's
/// interlocked operations, and a request that ends on another thread leaves its feature there.
/// </summary>
/// <remarks>
/// Like an <c>HttpContext</c>, this object belongs to its request only while the request runs: what the
/// application keeps is the <see cref="SessionState"/> (<see cref="ICookieSession"/>), which is never reused and
/// refuses to be used once its request has ended.
/// </remarks>
internal sealed class SessionFeature : ISessionFeature
{
    [ThreadStatic]
    private static SessionFeature? t_spare;

    private HttpContext? _context;
    private SessionSettings? _settings;
    private SessionState? _state;

    /// <summary>The feature of a cookie session middleware this one runs inside, put back when this one leaves.</summary>
    public SessionFeature? Outer { get; private set; }

    /// <summary>The <see cref="ISessionFeature"/> the request had before this middleware, restored when it leaves.</summary>
    public ISessionFeature? Previous { get; private set; }

    public SessionSettings? Settings => _settings;

    /// <summary>The request is outside the cookie's path: the session is neither read nor written.</summary>
    public bool IsDetached { get; private set; }

    /// <summary>
    /// A request is inside the middleware with this feature; false once it left, though the feature may stay a
    /// feature of the request for its commit.
    /// </summary>
    public bool IsEntered { get; set; }

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

    public void Start(HttpContext context, SessionSettings settings, bool detached, ISessionFeature? previous, SessionFeature? outer)
    {
        _context = context;
        _settings = settings;
        IsDetached = detached;
        Previous = previous;
        Outer = outer;
        IsEntered = true;
    }

    /// <summary>Forgets the request, before being reused.</summary>
    private void Reset()
    {
        _context = null;
        _settings = null;
        _state = null;
        Previous = null;
        IsDetached = false;
        IsEntered = false;
        Outer = null;
    }

    /// <summary>This thread's spare feature, or a new one.</summary>
    public static SessionFeature Rent()
    {
        var spare = t_spare;
        if (spare is null)
        {
            return new SessionFeature();
        }

        t_spare = null;
        return spare;
    }

    /// <summary>Forgets the request and keeps the feature as this thread's spare.</summary>
    public static void Return(SessionFeature feature)
    {
        feature.Reset();
        t_spare = feature;
    }
}
