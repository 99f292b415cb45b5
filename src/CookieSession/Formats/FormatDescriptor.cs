using CookieSession.Formats.Transports;

namespace CookieSession.Formats;

/// <summary>
/// Everything the library knows about one format, in one place: its defaults, what it needs and carries, how it is
/// validated, named in metrics and logs, and how its codec and transport are built. The options, the validator, the
/// metrics, the middleware and the commit read these facts instead of switching on <see cref="CookieSessionFormat"/>.
/// </summary>
/// <remarks>
/// Adding a format is a <see cref="CookieSessionFormat"/> value, a codec (<see cref="ISessionCodec"/>), a descriptor in
/// its folder listed in <see cref="FormatDescriptors"/>, and, if it has settings of its own, its options class.
/// </remarks>
internal sealed class FormatDescriptor
{
    public required CookieSessionFormat Format { get; init; }

    /// <summary>
    /// The cookie name of the format's own framework, used when the application leaves the name at
    /// <see cref="CookieSessionDefaults.CookieName"/>; <see langword="null"/> for a framework that has none (then the
    /// format's <see cref="Validate"/> requires one).
    /// </summary>
    public required string? DefaultCookieName { get; init; }

    /// <summary>The format's value of the <c>cookiesession.format</c> tag. Dashboards select it: never change it.</summary>
    public required string MetricName { get; init; }

    /// <summary>Whether the format signs or seals with <see cref="CookieSessionOptions.Secret"/> or <see cref="CookieSessionOptions.Secrets"/>, which then are required.</summary>
    public bool NeedsSecret { get; init; }

    /// <summary>
    /// Whether the value carries the session's creation and issue times (<see cref="SessionTimes"/>), so that the
    /// server can enforce <see cref="CookieSessionOptions.IdleTimeout"/> and <see cref="CookieSessionOptions.AbsoluteTimeout"/>.
    /// </summary>
    public bool CarriesTimes { get; init; }

    /// <summary>Whether its values are also cookie-parser's signed JSON cookies, so that a secret shared with <c>AddSignedCookies</c> makes one a session.</summary>
    public bool IsSignedCookieFormat { get; init; }

    /// <summary>
    /// Whether a loaded session that the request emptied (its last key removed) has its cookie deleted instead of written
    /// empty, as the peer's framework does (Flask's <c>save_session</c>, Django's <c>SessionMiddleware</c>). Default: written empty.
    /// </summary>
    public bool DeletesEmptiedSession { get; init; }

    /// <summary>Why an unchanged session's cookie is written again when the format itself asks (the log says it).</summary>
    public required string RenewalReason { get; init; }

    /// <summary>Fills in the format's defaults that depend on other options; runs after the application's configuration.</summary>
    public Action<CookieSessionOptions>? PostConfigure { get; init; }

    /// <summary>Adds what is wrong with the options for this format, as start-up messages that say what to set.</summary>
    public Action<CookieSessionOptions, List<string>>? Validate { get; init; }

    /// <summary>Adds what is wrong when the format's own settings are set while another format is chosen.</summary>
    public Action<CookieSessionOptions, List<string>>? ValidateUnused { get; init; }

    /// <summary>Builds the cookies that carry the value: one, ASP.NET chunks, iron-session chunks, or a value and its signature.</summary>
    public required Func<FormatContext, ICookieTransport> CreateTransport { get; init; }

    /// <summary>Builds the codec, with its keys, from the options and services.</summary>
    public required Func<FormatContext, ISessionCodec> CreateCodec { get; init; }
}
