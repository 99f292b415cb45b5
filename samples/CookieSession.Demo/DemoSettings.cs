namespace CookieSession.Demo;

/// <summary>
/// What the demo reads from configuration, the format (<c>CookieSession:Format</c>) and the secret
/// (<c>CookieSession:Secret</c>), and how the session is set up for that format.
/// </summary>
internal sealed class DemoSettings
{
    public const string FormatKey = "CookieSession:Format";
    public const string SecretKey = "CookieSession:Secret";

    /// <summary>Signs (or, for iron-session, seals) when no secret is configured. Public in this source: never deploy it.</summary>
    private const string DevelopmentSecret = "development-only secret: set CookieSession:Secret";

    /// <summary>The session cookie's name with Format Rails, which has no default: a Rails app's is its session_store key.</summary>
    public const string RailsCookieName = "_demo_session";

    /// <summary>How long "remember me" keeps the cookie.</summary>
    private static readonly TimeSpan s_rememberFor = TimeSpan.FromDays(30);

    private readonly string? _secret;

    private DemoSettings(CookieSessionFormat format, string? secret)
    {
        Format = format;
        _secret = secret;
    }

    public CookieSessionFormat Format { get; }

    /// <summary>The Protected format's lifetimes, enforced by the server: a week without a visit, a month at most.</summary>
    public static TimeSpan ProtectedIdleTimeout { get; } = TimeSpan.FromDays(7);

    public static TimeSpan ProtectedAbsoluteTimeout { get; } = TimeSpan.FromDays(30);

    /// <summary>Whether the format signs or seals with a secret, and none is configured.</summary>
    public bool UsesDevelopmentSecret => Format != CookieSessionFormat.Protected && string.IsNullOrEmpty(_secret);

    /// <summary>
    /// The Max-Age a remembered session asks for on every response; <see langword="null"/> for iron-session, which
    /// gives every cookie its ttl anyway. The Protected format shortens it to what the server still accepts.
    /// </summary>
    public TimeSpan? RememberFor => Format == CookieSessionFormat.IronSession ? null : s_rememberFor;

    /// <summary>All the formats, in the order the pages list them.</summary>
    public static IReadOnlyList<CookieSessionFormat> Formats { get; } =
        [
            CookieSessionFormat.Connect, CookieSessionFormat.ExpressCookieSession, CookieSessionFormat.Protected, CookieSessionFormat.IronSession,
            CookieSessionFormat.Rails, CookieSessionFormat.Flask, CookieSessionFormat.Django,
        ];

    public static DemoSettings From(IConfiguration configuration)
    {
        var text = configuration[FormatKey];
        var format = CookieSessionFormat.Connect;
        if (!string.IsNullOrWhiteSpace(text)
            && (!Enum.TryParse(text.Trim(), ignoreCase: true, out format) || !Enum.IsDefined(format) || char.IsAsciiDigit(text.Trim()[0])))
        {
            throw new InvalidOperationException(
                $"{FormatKey} is '{text}': use one of {string.Join(", ", Formats)}.");
        }

        return new DemoSettings(format, configuration[SecretKey]);
    }

    public void Configure(CookieSessionOptions options)
    {
        options.Format = Format;
        switch (Format)
        {
            case CookieSessionFormat.Protected:
                // Encrypted with Data Protection: no secret; the server enforces both lifetimes.
                options.IdleTimeout = ProtectedIdleTimeout;
                options.AbsoluteTimeout = ProtectedAbsoluteTimeout;
                break;
            case CookieSessionFormat.Rails:
                // The secret is Rails' secret_key_base; Rails has no default cookie name, so the demo names its own.
                options.Secret = string.IsNullOrEmpty(_secret) ? DevelopmentSecret : _secret;
                options.Cookie.Name = RailsCookieName;
                break;
            default:
                // Connect, Express, Flask and Django sign with the secret; iron-session seals with it (32 characters or more).
                options.Secret = string.IsNullOrEmpty(_secret) ? DevelopmentSecret : _secret;
                break;
        }
    }

    public void WarnIfDevelopmentSecret(ILogger logger)
    {
        if (UsesDevelopmentSecret)
        {
            logger.LogWarning(
                "No {SecretKey} is configured; using a development secret. Anyone who reads this source can forge sessions: set a secret before deploying.",
                SecretKey);
        }
    }

    /// <summary>The command that starts the demo in <paramref name="format"/>.</summary>
    public static string RunCommand(CookieSessionFormat format)
        => format == CookieSessionFormat.Connect
            ? "dotnet run --project samples/CookieSession.Demo"
            : $"dotnet run --project samples/CookieSession.Demo --{FormatKey}={format}";
}
