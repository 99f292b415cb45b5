using CookieSession.Cookies;
using CookieSession.Formats.Transports;

namespace CookieSession.Formats.Django;

/// <summary>
/// The facts of <see cref="CookieSessionFormat.Django"/>: Django's signed session value (<see cref="DjangoCodec"/>) in
/// one cookie, as it is (its characters are all cookie octets, and Django writes it unquoted), named <c>sessionid</c>
/// by default, under Django's <c>SECRET_KEY</c> and <c>SECRET_KEY_FALLBACKS</c>, with <see cref="CookieSessionOptions.Django"/>.
/// </summary>
internal static class DjangoFormat
{
    /// <summary>The longest <c>SESSION_COOKIE_AGE</c>: ten years, as the other lifetimes.</summary>
    private static readonly TimeSpan MaxSessionCookieAge = TimeSpan.FromDays(3650);

    public static FormatDescriptor Descriptor { get; } = new()
    {
        Format = CookieSessionFormat.Django,
        DefaultCookieName = CookieSessionDefaults.DjangoCookieName,
        MetricName = "django",
        NeedsSecret = true,
        DeletesEmptiedSession = true,
        RenewalReason = "an older SECRET_KEY (now in SECRET_KEY_FALLBACKS) signed it",
        Validate = Validate,
        ValidateUnused = ValidateUnused,
        CreateTransport = context => new SingleCookie(context.CookieName, CookieValueEncoding.Raw, context.Logger),
        CreateCodec = context => new DjangoCodec(context.Secrets.Follow(DjangoKeys.Ring(context.Secrets.Secrets)), context.Options.Django.SessionCookieAge, context.Options.Django.ExpireAtBrowserClose, context.Time),
    };

    private static void Validate(CookieSessionOptions options, List<string> failures)
    {
        var age = options.Django.SessionCookieAge;
        if (age <= TimeSpan.Zero || age > MaxSessionCookieAge || age.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            failures.Add("CookieSessionOptions.Django.SessionCookieAge must be whole seconds, more than zero and at most 3650 days, as Django's SESSION_COOKIE_AGE (Django's 1209600 seconds is 14.00:00:00 in configuration).");
        }
    }

    private static void ValidateUnused(CookieSessionOptions options, List<string> failures)
    {
        if (options.Django.SessionCookieAge != CookieSessionDefaults.DjangoSessionCookieAge || options.Django.ExpireAtBrowserClose)
        {
            failures.Add($"CookieSessionOptions.Django is for Format Django, not {options.Format}.");
        }
    }
}
