using CookieSession.Diagnostics;
using CookieSession.Formats;
using Microsoft.Extensions.Logging;

namespace CookieSession.Session;

/// <summary>What every session of one middleware shares, resolved once at start-up.</summary>
internal sealed class SessionSettings
{
    public SessionSettings(CookieSessionOptions options, ISessionCookieFormat format, ILogger logger, TimeProvider timeProvider, CookieSessionMetrics? metrics = null)
    {
        Metrics = metrics;
        Options = options;
        Format = format;
        Logger = logger;
        TimeProvider = timeProvider;
        CookieName = options.Cookie.Name!;
        DefaultCookie = new CookieSessionCookie(options.Cookie);
    }

    public CookieSessionOptions Options { get; }

    /// <summary>The meter's instruments; <see langword="null"/> where no meter factory is registered.</summary>
    public CookieSessionMetrics? Metrics { get; }

    public ISessionCookieFormat Format { get; }

    public ILogger Logger { get; }

    public TimeProvider TimeProvider { get; }

    public string CookieName { get; }

    /// <summary>The cookie settings of a response whose handler did not change them. Never handed out.</summary>
    public CookieSessionCookie DefaultCookie { get; }
}
