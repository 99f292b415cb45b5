using CookieSession.Cookies;
using CookieSession.Formats.Transports;

namespace CookieSession.Formats.Flask;

/// <summary>
/// The facts of <see cref="CookieSessionFormat.Flask"/>: itsdangerous's signed value in one cookie, raw as werkzeug
/// writes it (its characters need no escaping), under the secrets (Flask's <c>SECRET_KEY</c>, then its fallbacks) and
/// <see cref="FlaskSessionOptions.PermanentSessionLifetime"/>.
/// </summary>
internal static class FlaskFormat
{
    public static FormatDescriptor Descriptor { get; } = new()
    {
        Format = CookieSessionFormat.Flask,
        DefaultCookieName = CookieSessionDefaults.FlaskCookieName,
        MetricName = "flask",
        NeedsSecret = true,
        DeletesEmptiedSession = true,
        RenewalReason = "an older secret signed it, or more than half of PermanentSessionLifetime passed since it was signed",
        Validate = Validate,
        ValidateUnused = ValidateUnused,
        CreateTransport = context => new SingleCookie(context.CookieName, CookieValueEncoding.Raw, context.Logger),
        CreateCodec = context => new FlaskCodec(context.Secrets.Follow(FlaskKeys.Ring(context.Secrets.Secrets)), context.Options.Flask.PermanentSessionLifetime, context.Time),
    };

    private static void Validate(CookieSessionOptions options, List<string> failures)
    {
        var lifetime = options.Flask.PermanentSessionLifetime;
        if (lifetime < TimeSpan.FromSeconds(1) || lifetime > TimeSpan.FromDays(3650))
        {
            failures.Add("CookieSessionOptions.Flask.PermanentSessionLifetime must be at least one second and at most 3650 days: Flask's PERMANENT_SESSION_LIFETIME, 31 days unless the Flask app sets it.");
        }

        if (options.IdleTimeout is not null || options.AbsoluteTimeout is not null)
        {
            failures.Add("With Format Flask, a session's lifetime is Flask's PERMANENT_SESSION_LIFETIME, counted from when its cookie was signed: set CookieSessionOptions.Flask.PermanentSessionLifetime instead of IdleTimeout or AbsoluteTimeout (Flask's cookie carries no creation time).");
        }
    }

    private static void ValidateUnused(CookieSessionOptions options, List<string> failures)
    {
        if (options.Flask.PermanentSessionLifetime != CookieSessionDefaults.FlaskPermanentSessionLifetime)
        {
            failures.Add($"CookieSessionOptions.Flask.PermanentSessionLifetime is for Format Flask, not {options.Format}.");
        }
    }
}
