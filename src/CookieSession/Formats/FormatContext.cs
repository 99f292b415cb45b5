using Microsoft.Extensions.Logging;

namespace CookieSession.Formats;

/// <summary>What a descriptor builds a format's codec and transport from: the options and the services they resolved to.</summary>
/// <param name="Options">The options, post-configured and validated.</param>
/// <param name="CookieName">The session cookie's name.</param>
/// <param name="Secrets">The secrets, newest first (<see cref="CookieSessionOptions.Secret"/> or <see cref="CookieSessionOptions.Secrets"/>).</param>
/// <param name="Time">The clock of lifetimes and expiries.</param>
/// <param name="Logger">The middleware's logger.</param>
/// <param name="Services">The application's services (Data Protection, for one).</param>
internal sealed record FormatContext(
    CookieSessionOptions Options,
    string CookieName,
    IReadOnlyList<string> Secrets,
    TimeProvider Time,
    ILogger Logger,
    IServiceProvider Services);
