using CookieSession.Formats.Transports;
using CookieSession.Signing;

namespace CookieSession.Formats.Express;

/// <summary>
/// The facts of <see cref="CookieSessionFormat.ExpressCookieSession"/>: base64 JSON in one cookie and keygrip's
/// signature of it in <c>name.sig</c> (<see cref="SignedCookiePair"/>), under the secrets and
/// <see cref="CookieSessionOptions.KeygripAlgorithm"/>.
/// </summary>
internal static class ExpressFormat
{
    public static FormatDescriptor Descriptor { get; } = new()
    {
        Format = CookieSessionFormat.ExpressCookieSession,
        DefaultCookieName = CookieSessionDefaults.ExpressCookieName,
        MetricName = "express_cookie_session",
        NeedsSecret = true,
        RenewalReason = "an older secret signed it",
        Validate = ValidateAlgorithm,
        ValidateUnused = ValidateAlgorithm,
        CreateTransport = context => new SignedCookiePair(
            context.CookieName, HmacSigner.ForKeygrip(context.Secrets, context.Options.KeygripAlgorithm), context.Logger),
        CreateCodec = _ => new ExpressCodec(),
    };

    /// <summary>Checked whatever the format, as it always was: configuration binding accepts any algorithm name.</summary>
    private static void ValidateAlgorithm(CookieSessionOptions options, List<string> failures)
    {
        if (!HmacSigner.IsSupported(options.KeygripAlgorithm))
        {
            failures.Add($"CookieSessionOptions.KeygripAlgorithm {options.KeygripAlgorithm} is not supported: use SHA1, SHA256, SHA384 or SHA512.");
        }
    }
}
