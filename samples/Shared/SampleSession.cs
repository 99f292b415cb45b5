using CookieSession;

namespace CookieSession.Samples;

/// <summary>
/// The session setup the small samples share: the format from <c>CookieSession:Format</c> (Connect unless set) and
/// the secret from <c>CookieSession:Secret</c>, with a public development secret when none is configured.
/// </summary>
internal static class SampleSession
{
    public const string FormatKey = "CookieSession:Format";
    public const string SecretKey = "CookieSession:Secret";

    /// <summary>Signs (or, for iron-session, seals) when no secret is configured. Public in this source: never deploy it.</summary>
    public const string DevelopmentSecret = "development-only secret: set CookieSession:Secret";

    /// <summary>Adds the cookie session, configured from <paramref name="builder"/>'s configuration when the app starts.</summary>
    public static WebApplicationBuilder AddSampleCookieSession(this WebApplicationBuilder builder)
    {
        // Read when the options are first used, so that configuration added after this call (a test's) still counts.
        var configuration = builder.Configuration;
        builder.Services.AddCookieSession(options =>
        {
            options.Format = configuration.GetValue(FormatKey, CookieSessionFormat.Connect);
            if (options.Format != CookieSessionFormat.Protected)
            {
                // Connect and Express sign with the secret; iron-session seals with it (32 characters or more).
                options.Secret = configuration[SecretKey] is { Length: > 0 } secret ? secret : DevelopmentSecret;
            }
        });
        return builder;
    }

    /// <summary>Says so at start-up when the app signs with <see cref="DevelopmentSecret"/>.</summary>
    public static void WarnIfDevelopmentSecret(this WebApplication app)
    {
        var format = app.Configuration.GetValue(FormatKey, CookieSessionFormat.Connect);
        if (format != CookieSessionFormat.Protected && string.IsNullOrEmpty(app.Configuration[SecretKey]))
        {
            app.Logger.LogWarning(
                "No {SecretKey} is configured; using a development secret. Anyone who reads this source can forge sessions: set a secret before deploying.",
                SecretKey);
        }
    }
}
