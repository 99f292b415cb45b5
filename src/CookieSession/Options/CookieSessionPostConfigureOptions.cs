using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;

namespace CookieSession.Options;

/// <summary>
/// Fills in what the defaults depend on: the clock, the cookie name and the Protected format's idle timeout, which
/// follow the format, and, when the session has no secret of its own, the secrets of <c>AddSignedCookies</c>
/// (Connect's "cookie-parser secret" mode).
/// </summary>
internal sealed class CookieSessionPostConfigureOptions : IPostConfigureOptions<CookieSessionOptions>
{
    private readonly TimeProvider _timeProvider;
    private readonly IOptions<SignedCookieOptions> _signedCookieOptions;

    public CookieSessionPostConfigureOptions(TimeProvider timeProvider, IOptions<SignedCookieOptions> signedCookieOptions)
    {
        _timeProvider = timeProvider;
        _signedCookieOptions = signedCookieOptions;
    }

    public void PostConfigure(string? name, CookieSessionOptions options)
    {
        options.TimeProvider ??= _timeProvider;
        if (options.SerializerOptions.TypeInfoResolver is null && JsonSerializer.IsReflectionEnabledByDefault)
        {
            // The typed session asks the options for a type's metadata, which needs a resolver: reflection's, where the
            // application allows it (the feature switch trims this branch away under Native AOT).
            options.SerializerOptions.TypeInfoResolver = ReflectionResolver();
        }

        if (options.Cookie.Name == CookieSessionDefaults.CookieName)
        {
            options.Cookie.Name = options.Format switch
            {
                CookieSessionFormat.ExpressCookieSession => CookieSessionDefaults.ExpressCookieName,
                CookieSessionFormat.Protected => CookieSessionDefaults.ProtectedCookieName,
                CookieSessionFormat.IronSession => CookieSessionDefaults.IronSessionCookieName,
                _ => options.Cookie.Name,
            };
        }

        if (options.Format == CookieSessionFormat.Protected && options.IdleTimeout is null && options.AbsoluteTimeout is null)
        {
            // A Protected cookie without a lifetime would be accepted forever: cookie authentication's default instead.
            options.IdleTimeout = CookieSessionDefaults.ProtectedIdleTimeout;
        }

        if (Formats.WireFormatFactory.NeedsSecret(options.Format) && options.Secret is null && (options.Secrets is null || options.Secrets.Count == 0))
        {
            var shared = _signedCookieOptions.Value;
            options.Secrets = CookieSessionSecrets.Of(shared.Secret, shared.Secrets).ToList();
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Called only when JsonSerializer.IsReflectionEnabledByDefault, a feature switch that is off under trimming and Native AOT.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Called only when JsonSerializer.IsReflectionEnabledByDefault, a feature switch that is off under Native AOT.")]
    private static IJsonTypeInfoResolver ReflectionResolver() => new DefaultJsonTypeInfoResolver();
}
