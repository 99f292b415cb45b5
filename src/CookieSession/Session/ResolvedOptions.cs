using CookieSession.Cookies;
using CookieSession.Diagnostics;
using CookieSession.Formats;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CookieSession.Session;

/// <summary>What every session of one middleware shares: its options and the services they resolved to, once, at start-up.</summary>
internal sealed class ResolvedOptions
{
    private readonly CookieOptions? _defaultCookieOptions;
    private readonly CookieOptions? _defaultCookieOptionsOverTls;
    private int _warnedNotSecured;

    public ResolvedOptions(CookieSessionOptions options, IWireFormat format, ILogger logger, TimeProvider timeProvider, CookieSessionMetrics? metrics = null)
    {
        Metrics = metrics;
        Options = options;
        Format = format;
        Descriptor = FormatDescriptors.Of(options.Format)
            ?? throw new InvalidOperationException($"Unknown {nameof(CookieSessionOptions)}.{nameof(CookieSessionOptions.Format)}: {options.Format}.");
        Logger = logger;
        TimeProvider = timeProvider;
        CookieName = options.Cookie.Name!;
        DefaultCookie = new CookieSessionCookie(options.Cookie);
        SaveUninitialized = options.SaveUninitialized;
        LoadsOnEntry = options.SaveUninitialized || options.OnValidateSession is not null;
        CoversEveryPath = DefaultCookie.Path is "" or "/";
        if (DefaultCookie.MaxAge is null)
        {
            // Without a Max-Age counted from each response, the default cookie's options depend only on TLS.
            // Their attribute text is formatted here once, not on every write.
            _defaultCookieOptions = new FixedCookieOptions(RequestSession.BuildCookieOptions(this, DefaultCookie, tls: false, forDelete: false, default));
            _defaultCookieOptionsOverTls = new FixedCookieOptions(RequestSession.BuildCookieOptions(this, DefaultCookie, tls: true, forDelete: false, default));
        }
    }

    /// <summary><see cref="CookieSessionOptions.SaveUninitialized"/>, read on every request.</summary>
    public bool SaveUninitialized { get; }

    /// <summary>Every request reads the cookie as it enters: for <c>SaveUninitialized</c>, or for the validation hook.</summary>
    public bool LoadsOnEntry { get; }

    /// <summary>The cookie's path is the whole site: no request is outside it.</summary>
    public bool CoversEveryPath { get; }

    /// <summary>
    /// Resolves the options: their secrets, which follow the configuration's reloads, and the wire format they choose
    /// with its keys and cache.
    /// </summary>
    public static ResolvedOptions Create(CookieSessionOptions options, ILogger logger, TimeProvider time, IServiceProvider services, CookieSessionMetrics? metrics = null)
    {
        // The options of the default name, as the middleware and the codec read them.
        var secrets = new CookieSession.Options.SecretsReload(Microsoft.Extensions.Options.Options.DefaultName, options, services, logger);
        var format = WireFormat.Create(options, secrets, time, logger, services);
        return new ResolvedOptions(options, format, logger, time, metrics);
    }

    public CookieSessionOptions Options { get; }

    /// <summary>The meter's instruments; <see langword="null"/> where no meter factory is registered.</summary>
    public CookieSessionMetrics? Metrics { get; }

    public IWireFormat Format { get; }

    /// <summary>The facts of the chosen format: its metric name, why it asks for renewal.</summary>
    public FormatDescriptor Descriptor { get; }

    public ILogger Logger { get; }

    public TimeProvider TimeProvider { get; }

    public string CookieName { get; }

    /// <summary>The cookie settings of a response whose handler did not change them. Never handed out.</summary>
    public CookieSessionCookie DefaultCookie { get; }

    /// <summary>
    /// The options a session cookie with the <see cref="DefaultCookie"/> settings is written with, built once and shared
    /// by every response, hence never changed; <see langword="null"/> when they change with each response (a
    /// <c>Max-Age</c> makes an <c>Expires</c> counted from the moment the cookie is written).
    /// </summary>
    public CookieOptions? DefaultCookieOptions(bool tls) => tls ? _defaultCookieOptionsOverTls : _defaultCookieOptions;

    /// <summary>
    /// True the first time a cookie that must be <c>Secure</c> meets a request that did not come over TLS: the warning
    /// is worth saying once, not on every request of a misconfigured proxy.
    /// </summary>
    public bool FirstNotSecured() => _warnedNotSecured == 0 && Interlocked.Exchange(ref _warnedNotSecured, 1) == 0;
}
